// The completion scripts `looop config bash|zsh|fish` prints. Each is a small engine
// (find the verb, skip options and their values, count the arguments) plus tables
// generated from the CompletionModel. bash and zsh share one engine written in the
// syntax both accept; fish gets its own, with descriptions. Live ids come from
// `looop _complete <kind>`, whose errors never reach the prompt.
import type { CompletionModel, Shell, VerbModel } from './model.ts';

/** A POSIX single-quoted word. */
function sq(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** A fish single-quoted word (fish escapes `\` and `'` inside). */
function fq(s: string): string {
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function oneLine(s: string): string {
  return s.replace(/[\x00-\x1f\x7f]+/g, ' ').replaceAll('`', '');
}

function verbArg(v: VerbModel, ids: (kind: string) => string, words: (ws: readonly string[]) => string, topics: string): string | null {
  if (v.arg === null) return null;
  if (v.arg.kind === 'ids') return ids(v.arg.ids);
  if (v.arg.kind === 'words') return words(v.arg.words);
  return topics;
}

// ---- bash and zsh ------------------------------------------------------------

function posixTables(m: CompletionModel): string {
  const lines = (ws: readonly string[]): string => `printf '%s\\n' ${ws.map(sq).join(' ')}`;
  const L: string[] = [];
  L.push(`__looop_tops() { ${lines(m.tops.map((t) => t.word))}; }`);
  L.push('__looop_subs() {', '  case "$1" in');
  for (const g of m.groups) L.push(`    ${sq(g.group)}) ${lines(g.subs.map((s) => s.word))} ;;`);
  L.push('    *) return 1 ;;', '  esac', '}');
  L.push('__looop_is_verb() {', '  case "$1" in', `    ${m.verbs.map((v) => sq(v.name)).join('|')}) return 0 ;;`, '  esac', '  return 1', '}');
  L.push('__looop_flags() {', '  case "$1" in');
  for (const v of m.verbs) L.push(`    ${sq(v.name)}) ${lines(v.flags.map((f) => f.flag))} ;;`);
  L.push('  esac', '}');
  L.push('__looop_valued() {', '  case "$1" in');
  for (const v of m.verbs) {
    const valued = v.flags.filter((f) => f.takesValue).map((f) => f.flag);
    if (valued.length > 0) L.push(`    ${sq(v.name)}) printf '%s' ${sq(valued.join(' '))} ;;`);
  }
  L.push('  esac', '}');
  L.push('__looop_arg() {', '  case "$1" in');
  for (const v of m.verbs) {
    const body = verbArg(v, (k) => `__looop_ids ${k}`, lines, '__looop_tops');
    if (body !== null) L.push(`    ${sq(v.name)}) ${body} ;;`);
  }
  L.push('  esac', '}');
  L.push('__looop_alias() {', '  case "$1" in');
  for (const [a, t] of Object.entries(m.aliases)) L.push(`    ${sq(a)}) printf '%s' ${sq(t)} ;;`);
  L.push(`    *) printf '%s' "$1" ;;`, '  esac', '}');
  L.push('__looop_sub_alias() {', '  case "$1" in');
  for (const [a, t] of Object.entries(m.subAliases)) L.push(`    ${sq(a)}) printf '%s' ${sq(t)} ;;`);
  L.push(`    *) printf '%s' "$1" ;;`, '  esac', '}');
  return L.join('\n');
}

// Written in the syntax bash and zsh share: positional parameters, case, [ ], no arrays.
const POSIX_ENGINE = String.raw`
# Live ids from the data dir; a missing or damaged data dir completes nothing, silently.
__looop_ids() { command looop _complete "$1" 2>/dev/null; }

# $1: the word being completed; the rest: the words between "looop" and it.
# Prints the candidates, one a line; the shell keeps those that match.
__looop_candidates() {
  local cur="$1" verb sub w n=0 skip='' ddash='' valued
  shift
  if [ $# -eq 0 ]; then __looop_tops; return 0; fi
  verb="$1"; shift
  if [ "$verb" = _ ]; then
    if [ $# -eq 0 ]; then __looop_tops; return 0; fi
    verb="$1"; shift
  fi
  verb=$(__looop_alias "$verb")
  if [ $# -eq 0 ]; then
    case "$cur" in -*) ;; *) __looop_subs "$verb" && ! __looop_is_verb "$verb" && return 0 ;; esac
  else
    sub=$(__looop_sub_alias "$1")
    if __looop_is_verb "$verb $sub"; then verb="$verb $sub"; shift; fi
  fi
  valued=" $(__looop_valued "$verb") "
  while [ $# -gt 0 ]; do
    w="$1"; shift
    if [ -n "$skip" ]; then skip=''; continue; fi
    if [ -z "$ddash" ]; then
      case "$w" in
        --) ddash=1; continue ;;
        -|-[0-9]*) ;;
        --*=*) continue ;;
        -*) case "$valued" in *" $w "*) skip=1 ;; esac; continue ;;
      esac
    fi
    n=$((n + 1))
  done
  [ -n "$skip" ] && return 0
  if [ -z "$ddash" ]; then
    case "$cur" in -*) __looop_flags "$verb"; return 0 ;; esac
  fi
  if [ "$n" -eq 0 ]; then __looop_arg "$verb"; fi
  return 0
}
`;

function bashScript(m: CompletionModel): string {
  return `# looop completion for bash. Enable: eval "$(looop config bash)"
${posixTables(m)}
${POSIX_ENGINE}
_looop() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" IFS=$'\\n'
  COMPREPLY=($(compgen -W "$(__looop_candidates "$cur" "\${COMP_WORDS[@]:1:COMP_CWORD-1}")" -- "$cur"))
}
complete -F _looop looop
`;
}

function zshScript(m: CompletionModel): string {
  return `#compdef looop
# looop completion for zsh. Enable: eval "$(looop config zsh)" (after compinit)
${posixTables(m)}
${POSIX_ENGINE}
_looop() {
  local -a cands
  cands=("\${(@f)$(__looop_candidates "\${words[CURRENT]}" "\${(@)words[2,CURRENT-1]}")}")
  cands=(\${cands:#})
  (( \${#cands} )) && compadd -- "\${cands[@]}"
}
if (( ! \${+functions[compdef]} )); then autoload -Uz compinit && compinit -u; fi
compdef _looop looop
`;
}

// ---- fish --------------------------------------------------------------------

function fishScript(m: CompletionModel): string {
  const desc = (w: string, d: string): string => fq(d === '' ? w : `${w}\t${oneLine(d)}`);
  const lines = (ws: readonly { word: string; description: string }[]): string => `printf '%s\\n' ${ws.map((w) => desc(w.word, w.description)).join(' ')}`;
  const L: string[] = ['# looop completion for fish. Enable: looop config fish | source'];
  L.push(`function __looop_tops; ${lines(m.tops)}; end`);
  L.push('function __looop_subs', '    switch $argv[1]');
  for (const g of m.groups) L.push(`        case ${fq(g.group)}`, `            ${lines(g.subs)}`);
  L.push('        case \'*\'', '            return 1', '    end', 'end');
  L.push(`function __looop_is_verb; contains -- $argv[1] ${m.verbs.map((v) => fq(v.name)).join(' ')}; end`);
  L.push('function __looop_flags', '    switch $argv[1]');
  for (const v of m.verbs) L.push(`        case ${fq(v.name)}`, `            ${lines(v.flags.map((f) => ({ word: f.flag, description: f.description })))}`);
  L.push('    end', 'end');
  L.push('function __looop_valued', '    switch $argv[1]');
  for (const v of m.verbs) {
    const valued = v.flags.filter((f) => f.takesValue).map((f) => fq(f.flag));
    if (valued.length > 0) L.push(`        case ${fq(v.name)}`, `            printf '%s\\n' ${valued.join(' ')}`);
  }
  L.push('    end', 'end');
  L.push('function __looop_arg', '    switch $argv[1]');
  for (const v of m.verbs) {
    const body = verbArg(
      v,
      (k) => `__looop_ids ${k}`,
      (ws) => `printf '%s\\n' ${ws.map(fq).join(' ')}`,
      '__looop_tops',
    );
    if (body !== null) L.push(`        case ${fq(v.name)}`, `            ${body}`);
  }
  L.push('    end', 'end');
  L.push('function __looop_alias', '    switch $argv[1]');
  for (const [a, t] of Object.entries(m.aliases)) L.push(`        case ${fq(a)}`, `            echo ${fq(t)}`);
  L.push("        case '*'", '            echo $argv[1]', '    end', 'end');
  L.push('function __looop_sub_alias', '    switch $argv[1]');
  for (const [a, t] of Object.entries(m.subAliases)) L.push(`        case ${fq(a)}`, `            echo ${fq(t)}`);
  L.push("        case '*'", '            echo $argv[1]', '    end', 'end');
  L.push(FISH_ENGINE);
  return `${L.join('\n')}\n`;
}

const FISH_ENGINE = String.raw`
# Live ids from the data dir; a missing or damaged data dir completes nothing, silently.
function __looop_ids; command looop _complete $argv[1] 2>/dev/null; end

function __looop_candidates
    set -l words (commandline -opc)
    set -e words[1]
    set -l cur (commandline -ct)
    if test (count $words) -eq 0; __looop_tops; return 0; end
    set -l verb $words[1]; set -e words[1]
    if test "$verb" = _
        if test (count $words) -eq 0; __looop_tops; return 0; end
        set verb $words[1]; set -e words[1]
    end
    set verb (__looop_alias $verb)
    if test (count $words) -eq 0
        if not string match -q -- '-*' "$cur"
            if __looop_subs $verb; and not __looop_is_verb $verb; return 0; end
        end
    else
        set -l sub (__looop_sub_alias $words[1])
        if __looop_is_verb "$verb $sub"; set verb "$verb $sub"; set -e words[1]; end
    end
    set -l valued (__looop_valued $verb)
    set -l n 0; set -l skip 0; set -l ddash 0
    for w in $words
        if test $skip = 1; set skip 0; continue; end
        if test $ddash = 0
            if test "$w" = --; set ddash 1; continue; end
            if string match -qr -- '^-(|\d.*)$' "$w"
            else if string match -qr -- '^--.*=' "$w"
                continue
            else if string match -q -- '-*' "$w"
                contains -- "$w" $valued; and set skip 1
                continue
            end
        end
        set n (math $n + 1)
    end
    test $skip = 1; and return 0
    if test $ddash = 0; and string match -q -- '-*' "$cur"
        __looop_flags $verb; return 0
    end
    test $n -eq 0; and __looop_arg $verb
    return 0
end

complete -c looop -f -a '(__looop_candidates)'
`;

export function completionScript(shell: Shell, m: CompletionModel): string {
  if (shell === 'bash') return bashScript(m);
  if (shell === 'zsh') return zshScript(m);
  return fishScript(m);
}
