// The host's emulated screen, fed with every output chunk, with flow control:
// xterm parses asynchronously and discards data once ~50 MB is queued, so the
// host pauses the PTY above a high-water mark of unparsed bytes and resumes it
// below a low-water mark (write callbacks tell us what has been parsed).
import type { Frame } from './frame.ts';
import type { EmulatedTerminal } from './xterm.ts';

export const HIGH_WATER = 2 * 1024 * 1024;
export const LOW_WATER = 256 * 1024;

export interface FlowControl {
  pause(): void;
  resume(): void;
}

export class LiveScreen {
  private emu: EmulatedTerminal | null = null;
  private creating: Promise<EmulatedTerminal> | null = null;
  /** Output and resizes that arrived while the emulator was still loading, in order. */
  private early: (Buffer | { cols: number; rows: number })[] = [];
  private pending = 0;
  private paused = false;
  /** Output bytes handed to the emulator so far (= output.log offset it will reflect). */
  private fed = 0;
  private answer: ((data: string) => void) | null = null;

  constructor(
    private cols: number,
    private rows: number,
    private readonly flow: FlowControl,
  ) {}

  /** Where the emulator sends its replies to terminal queries (DA, CPR), or null to drop them. */
  onReply(fn: ((data: string) => void) | null): void {
    this.answer = fn;
  }

  private ensure(): Promise<EmulatedTerminal> {
    // xterm.ts (with the emulator) is its own bundle, loaded at the first output: a host starts without it.
    this.creating ??= import('./xterm.ts').then(({ createTerminal }) => createTerminal(this.cols, this.rows)).then((emu) => {
      this.emu = emu;
      emu.term.onData((d) => this.answer?.(d));
      const early = this.early;
      this.early = [];
      for (const item of early) {
        if (Buffer.isBuffer(item)) this.writeNow(emu, item);
        else this.resizeNow(emu, item.cols, item.rows);
      }
      return emu;
    });
    return this.creating;
  }

  private writeNow(emu: EmulatedTerminal, chunk: Buffer): void {
    emu.term.write(chunk, () => {
      this.pending -= chunk.length;
      if (this.paused && this.pending < LOW_WATER) {
        this.paused = false;
        this.flow.resume();
      }
    });
  }

  write(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.pending += chunk.length;
    this.fed += chunk.length;
    if (this.emu === null) {
      this.early.push(chunk);
      void this.ensure();
    } else {
      this.writeNow(this.emu, chunk);
    }
    if (!this.paused && this.pending > HIGH_WATER) {
      this.paused = true;
      this.flow.pause();
    }
  }

  /**
   * Resizes after the output fed so far is parsed: xterm's resize is immediate, and
   * applying it to a half-parsed queue would differ from the replay, which resizes
   * at the recorded log offset.
   */
  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    if (this.emu !== null) this.resizeNow(this.emu, cols, rows);
    else if (this.creating !== null) this.early.push({ cols, rows });
  }

  private resizeNow(emu: EmulatedTerminal, cols: number, rows: number): void {
    emu.term.write('', () => emu.term.resize(cols, rows));
  }

  /**
   * The screen after everything fed so far is parsed. Rendered inside the parse
   * callback, so the frame matches `offset` exactly even while output keeps coming.
   */
  async frame(withCells: boolean): Promise<Frame> {
    // frame.ts hashes with node:crypto, which a host does not need to start.
    const { blankFrame, renderFrame } = await import('./frame.ts');
    if (this.emu === null && this.creating === null && this.fed === 0) return blankFrame(this.cols, this.rows, 0);
    const emu = await this.ensure();
    const offset = this.fed;
    return new Promise((resolve) => emu.term.write('', () => resolve(renderFrame(emu, offset, withCells))));
  }

  async settle(): Promise<void> {
    if (this.creating !== null) {
      const emu = await this.creating;
      const { parsed } = await import('./xterm.ts');
      await parsed(emu.term);
    }
  }

  dispose(): void {
    this.emu?.term.dispose();
  }
}
