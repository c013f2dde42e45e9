/**
 * Exporting the pictures from the slide as one standalone SVG file.
 */

/**
 * Stacks SVGs into one standalone document, top to bottom.
 *
 * @param svgs - the pictures (the task tree, the timeline).
 * @param gap - space between them, in SVG units.
 * @returns the SVG document's text.
 */
export function combineSvgs(svgs: readonly SVGSVGElement[], gap = 24): string {
  const sizes = svgs.map((svg) => {
    const [, , w, h] = (svg.getAttribute("viewBox") ?? "0 0 0 0").split(/\s+/).map(Number);
    return { w: w ?? 0, h: h ?? 0 };
  });
  const width = Math.max(1, ...sizes.map((s) => s.w));
  const height = sizes.reduce((sum, s) => sum + s.h, 0) + gap * Math.max(0, svgs.length - 1);
  const serializer = new XMLSerializer();
  let y = 0;
  const parts = svgs.map((svg, i) => {
    const copy = svg.cloneNode(true) as SVGSVGElement;
    copy.setAttribute("x", "0");
    copy.setAttribute("y", String(y));
    y += sizes[i]!.h + gap;
    return serializer.serializeToString(copy);
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="#ffffff"/>${parts.join("")}</svg>\n`
  );
}

/**
 * Offers an SVG document as a download.
 *
 * @param svgText - the document (see {@link combineSvgs}).
 * @param fileName - the suggested file name.
 */
export function downloadSvg(svgText: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([svgText], { type: "image/svg+xml" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
