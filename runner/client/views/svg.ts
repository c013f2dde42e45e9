/**
 * Small helpers for drawing the pictures as SVG, and the palette they share.
 *
 * Colours are the Okabe–Ito set, darkened where a washed-out projector would lose them, and
 * every state differs in shape (bar height, dash) as well as in colour. Styles are
 * presentation attributes, not CSS, so that an exported SVG looks the same on its own.
 */

const SVG_NS = "http://www.w3.org/2000/svg";

/** The palette: high contrast on white, distinct for colour-blind viewers. */
export const COLOURS = {
  background: "#ffffff",
  ink: "#111111",
  faint: "#666666",
  running: "#0060a8",
  sleeping: "#007a5a",
  blocked: "#d08c00",
  foreign: "#b0508f",
  nursery: "#111111",
  runnable: "#999999",
  cancel: "#d55e00",
  error: "#c0392b",
  caught: "#111111",
} as const;

/** Font sizes in SVG units; the pictures' viewBox is about 1000 wide, so these stay large. */
export const FONT = {
  family: "system-ui, 'DejaVu Sans', Arial, sans-serif",
  name: 22,
  label: 17,
  small: 16,
} as const;

/** Creates an SVG element with attributes (and text, if given). */
export function svgEl<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | undefined> = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** A root `<svg>` of the given size, with a white background for the projector. */
export function svgRoot(width: number, height: number, className: string, title: string): SVGSVGElement {
  const svg = svgEl("svg", {
    xmlns: SVG_NS,
    viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`,
    width: Math.ceil(width),
    height: Math.ceil(height),
    class: className,
    role: "img",
    "font-family": FONT.family,
  });
  svg.append(svgEl("title", {}, title));
  svg.append(svgEl("rect", { x: 0, y: 0, width: Math.ceil(width), height: Math.ceil(height), fill: COLOURS.background }));
  return svg;
}

/** Text of a given size; `weight` bold for names. */
export function text(x: number, y: number, content: string, size: number, attributes: Record<string, string | number | undefined> = {}): SVGTextElement {
  return svgEl("text", { x, y, "font-size": size, fill: COLOURS.ink, "dominant-baseline": "middle", ...attributes }, content);
}

/** Roughly how wide a text is, in SVG units (no layout engine needed, so it works off-screen). */
export function textWidth(content: string, size: number, bold = false): number {
  return content.length * size * (bold ? 0.62 : 0.56);
}

/** Shortens a text to at most `max` characters. */
export function clip(content: string, max: number): string {
  return content.length <= max ? content : `${content.slice(0, Math.max(1, max - 1))}…`;
}
