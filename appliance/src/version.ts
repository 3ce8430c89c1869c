/** The appliance's version, replaced at build time by `--define`. */
export const VERSION: string = process.env.PADDOCK_BUILD_VERSION ?? '0.1.0-dev';
