import pkg from '../package.json' with { type: 'json' };

/** The agent's version: stamped by scripts/build.sh into the binary, else package.json's. */
export const AGENT_VERSION: string = process.env.PADDOCK_BUILD_VERSION ?? pkg.version;
