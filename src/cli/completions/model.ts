// What the shells complete, read off the verbs declared with cac: the first words,
// each group's subcommands, and every verb's flags and first argument. The scripts
// are generated from this, so a verb or flag added to the CLI completes without a
// second list to keep in step.
import type { CAC } from 'cac';
import { ALIASES, GROUPS, SUB_ALIASES, specOf } from '../commandLine.ts';
import { GROUP_SENTENCES } from '../help.ts';

/** Live ids `looop _complete <kind>` lists from the data dir. */
export const ID_KINDS = ['asks', 'sessions', 'goals', 'sensors', 'schedules', 'claims'] as const;
export type IdKind = (typeof ID_KINDS)[number];

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** What the first argument of a verb completes to. */
export type ArgKind = { readonly kind: 'ids'; readonly ids: IdKind } | { readonly kind: 'words'; readonly words: readonly string[] } | { readonly kind: 'topics' };

export interface FlagModel {
  readonly flag: string;
  readonly description: string;
  readonly takesValue: boolean;
}

export interface VerbModel {
  /** As declared: `answer`, `worker start`. */
  readonly name: string;
  readonly description: string;
  readonly flags: readonly FlagModel[];
  readonly arg: ArgKind | null;
}

export interface Word {
  readonly word: string;
  readonly description: string;
}

export interface CompletionModel {
  /** The words after `looop`: verbs, group names and the aliases `w`, `ss`. */
  readonly tops: readonly Word[];
  readonly groups: readonly { readonly group: string; readonly subs: readonly Word[] }[];
  readonly verbs: readonly VerbModel[];
  /** alias → the word it stands for (`w` → `worker`). */
  readonly aliases: Readonly<Record<string, string>>;
  /** sub alias → sub (`ls` → `list`). */
  readonly subAliases: Readonly<Record<string, string>>;
}

const ids = (k: IdKind): ArgKind => ({ kind: 'ids', ids: k });

/** The first argument of each verb that takes an existing thing. Keys are checked against the CLI by the drift test. */
export const FIRST_ARG: Readonly<Record<string, ArgKind>> = {
  answer: ids('asks'),
  ask: ids('sessions'),
  tell: ids('sessions'),
  told: ids('sessions'),
  kill: ids('sessions'),
  'worker kill': ids('sessions'),
  screenshot: ids('sessions'),
  attach: ids('sessions'),
  log: ids('sessions'),
  send: ids('sessions'),
  watch: ids('sessions'),
  'goal write': ids('goals'),
  'goal archive': ids('goals'),
  'sensor write': ids('sensors'),
  'schedule write': ids('schedules'),
  'schedule rm': ids('schedules'),
  claim: ids('claims'),
  unclaim: ids('claims'),
  help: { kind: 'topics' },
  config: { kind: 'words', words: SHELLS },
  cost: { kind: 'words', words: ['today', 'all'] },
};

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? '').trim();
}

/** Hidden verbs (no description, e.g. `_complete`) are left out. */
export function completionModel(cli: CAC): CompletionModel {
  const visible = cli.commands.filter((c) => c.description !== '' && c.name !== '');
  const verbs: VerbModel[] = visible.map((c) => {
    const spec = specOf(c);
    const flags: FlagModel[] = [];
    for (const o of spec.options) {
      const desc = firstLine(c.options.find((x) => x.name === o.key && x.rawName.includes(o.flags[0] ?? ''))?.description ?? '');
      for (const f of o.flags) flags.push({ flag: f, description: desc, takesValue: o.takesValue });
    }
    flags.push({ flag: '--help', description: 'Show the help of this verb', takesValue: false });
    return { name: c.name, description: firstLine(c.description), flags, arg: FIRST_ARG[c.name] ?? null };
  });
  const tops = new Map<string, string>();
  for (const v of verbs) {
    const head = v.name.split(' ')[0] ?? v.name;
    const group = GROUPS[head] !== undefined && v.name.includes(' ');
    if (!tops.has(head)) tops.set(head, group ? (GROUP_SENTENCES[head] ?? `The ${head} subcommands`) : v.description);
  }
  for (const [alias, target] of Object.entries(ALIASES)) tops.set(alias, `= ${target}`);
  const groups = Object.entries(GROUPS).map(([group, subs]) => ({
    group,
    subs: subs.map((s) => ({ word: s, description: verbs.find((v) => v.name === `${group} ${s}`)?.description ?? '' })),
  }));
  return { tops: [...tops].map(([word, description]) => ({ word, description })), groups, verbs, aliases: ALIASES, subAliases: SUB_ALIASES };
}
