/**
 * How the portal looks, in its pages as in its emails: the same shape as
 * `@renueva/http`'s `Brand` (see docs/decisions/0008-voice-and-brand.md).
 */
export interface Brand {
  /** An http(s) URL of the logo; null: the portal's name, as text. */
  logoUrl: string | null;
  /** `#rrggbb` under white text (header, headings): at least 4.5:1 against white. */
  primaryColor: string;
  /** `#rrggbb` of buttons and links: at least 4.5:1 against white. */
  accentColor: string;
  /** A line at the foot of every page and email; null: none. */
  footerText: string | null;
}

/** How customers reach support; what is null is not shown. */
export interface SupportContacts {
  email: string | null;
  phone: string | null;
  /** Free text, e.g. "lunes a viernes de 9:00 a 18:00 h". */
  hours: string | null;
}

/** The neutral look: no logo (the portal's name as text), red and orange, no footer line. */
export const DEFAULT_BRAND: Brand = {
  logoUrl: null,
  primaryColor: '#c8102e',
  accentColor: '#c2410c',
  footerText: null,
};

export const NO_SUPPORT: SupportContacts = { email: null, phone: null, hours: null };

/** WCAG AA for normal text. */
export const MIN_CONTRAST = 4.5;

/** The WCAG 2 contrast ratio of a `#rrggbb` colour against white (1 to 21). */
export function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return 1.05 / (luminance + 0.05);
}
