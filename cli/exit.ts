/** The exit codes; README's "The opsflow command" has the same table. */
export const EXIT = {
  /** Done, and everything came out as expected. */
  ok: 0,
  /** It ran, and an outcome is not a success: an execution did not succeed, validation found problems, a demo step came out otherwise. */
  failed: 1,
  /** The command line or a file it names is wrong; nothing ran. */
  usage: 2,
  /** opsflow itself failed (a defect, or a file it could not write). */
  internal: 3,
  /** A person stopped it (Ctrl-C, SIGINT), as shells report it (128 + 2); a watched execution keeps running. */
  interrupted: 130,
} as const;

export const EXIT_CODES_HELP = `exit codes: 0 done, as expected; 1 it ran and something did not succeed (an execution, a check, a demo step);
            2 bad input, nothing ran; 3 opsflow itself failed; 130 a watch stopped with Ctrl-C`;
