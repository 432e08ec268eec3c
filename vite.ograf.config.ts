import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import JSZip from 'jszip';
import { uiAliases } from './ui-aliases.ts';
import { OGRAF_GRAPHICS, OGRAF_MAIN, ografManifest, ografManifestFile } from './server/protocol/ograf.ts';
import packageJson from './package.json' with { type: 'json' };

/** The one module every graphic's folder carries a copy of. */
const RUNTIME = 'choucha-ograf.mjs';
/** The package of every graphic, one folder each (what an OGraf renderer imports). */
export const OGRAF_ZIP = 'choucha-ograf.zip';

/**
 * Writes each graphic's folder: its manifest (from server/protocol/ograf.ts), its graphic.mjs and
 * a copy of the runtime, so a renderer can copy one folder alone; then the zip of all of them.
 */
function ografPackage(): Plugin {
  return {
    name: 'choucha-ograf-package',
    async generateBundle(_options, bundle) {
      const runtime = bundle[RUNTIME];
      if (runtime?.type !== 'chunk') throw new Error(`the OGraf build made no ${RUNTIME}`);
      const leftovers = Object.keys(bundle).filter((name) => name !== RUNTIME);
      // Everything a graphic needs is inside the runtime (its styles too): nothing else may be left behind.
      if (leftovers.length > 0) throw new Error(`the OGraf build made files no graphic folder carries: ${leftovers}`);
      delete bundle[RUNTIME];
      const zip = new JSZip();
      for (const graphic of OGRAF_GRAPHICS) {
        const files = {
          [ografManifestFile(graphic.id)]: `${JSON.stringify(ografManifest(graphic, packageJson.version), null, 2)}\n`,
          [OGRAF_MAIN]: `import { ografGraphic } from './${RUNTIME}';\nexport default ografGraphic('${graphic.id}');\n`,
          [RUNTIME]: runtime.code,
        };
        for (const [name, source] of Object.entries(files)) {
          this.emitFile({ type: 'asset', fileName: `graphics/${graphic.id}/${name}`, source });
          zip.file(`${graphic.id}/${name}`, source);
        }
      }
      const source = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', platform: 'UNIX' });
      this.emitFile({ type: 'asset', fileName: OGRAF_ZIP, source });
    },
  };
}

/**
 * The OGraf graphics (docs/ograf.md): a second build after the UIs' (scripts/build.mjs runs both),
 * into dist/ograf/. The overlay's own graphics, compiled with their styles injected, so each lands
 * in the graphic's shadow root.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [
    svelte({ configFile: `${import.meta.dirname}/svelte.config.js`, compilerOptions: { css: 'injected' } }),
    ografPackage(),
  ],
  resolve: { alias: uiAliases },
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist/ograf',
    emptyOutDir: true,
    copyPublicDir: false,
    minify: true,
    lib: { entry: 'overlay/src/ograf/entry.ts', formats: ['es'], fileName: () => RUNTIME },
    // Library mode keeps whitespace for pure annotations; this module is the final one, so minify it all.
    rolldownOptions: { output: { minify: true } },
  },
});
