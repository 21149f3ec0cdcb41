import { createTheme } from '@mantine/core';

/** Cameleer's look: Mantine's defaults with our accent; contrast stays at WCAG AA in light and dark. */
export const theme = createTheme({
  primaryColor: 'orange',
  primaryShade: { light: 8, dark: 6 },
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
});
