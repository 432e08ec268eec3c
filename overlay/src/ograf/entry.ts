/**
 * The OGraf build's one module: every graphic's folder gets a copy, beside a two-line graphic.mjs
 * that default-exports its own class (vite.ograf.config.ts writes both).
 */
export { ografGraphic } from './element';
