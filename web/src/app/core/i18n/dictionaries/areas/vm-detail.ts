/** Messages of one VM's page (`vmDetail.*`); `zh` is typed against `en` so no key can be missing. */
export const en = {} satisfies Record<string, string>;

export const zh: Record<keyof typeof en, string> = {};
