/** What every app image shares; its own file so the image builder, the base image and the JRE image do not import each other. */
export const DEFAULT_JRE_IMAGE = 'cameleer/jre:17';
/** Numeric, so any JRE base works without a passwd entry for it. */
export const APP_UID = 10001;
