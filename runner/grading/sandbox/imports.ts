/** Import specifiers of compiled module text: shared by the sandbox's import guard and the workspace. */

/** Static and dynamic import specifiers of a module's source (group 4: a computed `import()`). */
export const IMPORT_PATTERN = /\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?["']([^"']+)["']|\bexport\s*[\w*{}\s,$]*\s*from\s*["']([^"']+)["']|\bimport\s*\(\s*(?:["']([^"']+)["']\s*\)|([^"'\s]))/g;
