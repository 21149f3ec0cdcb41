/** The runner's version, reported in `hello` and at registration. */
export const runnerVersion = '0.1.0';
