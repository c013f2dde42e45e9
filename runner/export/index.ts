/** The static export (`npm run export`). */
export { exportSite, EXPORT_MARKER, type ExportOptions, type ExportResult } from "./export-site.ts";
