// Hooks a caller gives a run to act on what is around it (the process, the machine) as the run
// goes. Reporters only show a run; a hook may change the conditions it runs under, never what it
// does to hosts. The CLI's heap policy (engine/cli/heap-policy.ts) is one.
export interface RunHooks {
  /** a play starts on these hosts (after --limit and order:), before any of them is contacted */
  onPlayStart?(play: { name: string; hosts: readonly string[] }): void;
}

/** the hooks of a run as one, each called in the order given */
export function allHooks(hooks: readonly RunHooks[] = []): Required<RunHooks> {
  return {
    onPlayStart: (play) => {
      for (const h of hooks) h.onPlayStart?.(play);
    },
  };
}
