import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020';
import JSZip from 'jszip';
import type { FastifyInstance } from 'fastify';
import { GRAPHICS } from '../server/protocol/round';
import { OGRAF_GRAPHICS, OGRAF_MAIN, ografManifestFile, parseOgrafData } from '../server/protocol/ograf';
import { testApp } from './helpers/test-app';

/**
 * The OGraf graphics as built (vite.ograf.config.ts) and served: every manifest valid against the
 * EBU's JSON schemas (draft 2020-12, the copy in tests/vectors/ograf), every folder complete
 * on its own, the package and the read-only Server API agreeing with the files.
 */
const root = join(import.meta.dirname, '..');
const built = join(root, 'dist', 'ograf');
const schemas = join(root, 'tests', 'vectors', 'ograf', 'json-schemas');
const SCHEMA_FILES = [
  'graphics/schema.json',
  'lib/action.json',
  'lib/constraints/boolean.json',
  'lib/constraints/number.json',
  'lib/constraints/string.json',
  'gdd/object.json',
  'gdd/basic-types.json',
  'gdd/gdd-types.json',
  'gdd/playout-options.json',
];
const MANIFEST_SCHEMA = 'https://ograf.ebu.io/v1/specification/json-schemas/graphics/schema.json';

function manifestValidator() {
  // strictTypes off: the EBU's basic-types.json leaves out a `type` Ajv's strict mode asks for.
  const ajv = new Ajv2020({ allErrors: true, strictTypes: false });
  // The schemas' $ids are URLs under ograf.ebu.io: the local copies stand in for them.
  for (const file of SCHEMA_FILES) ajv.addSchema(JSON.parse(readFileSync(join(schemas, file), 'utf8')));
  const validate = ajv.getSchema(MANIFEST_SCHEMA);
  if (!validate) throw new Error('the OGraf manifest schema did not load');
  return validate;
}

const readManifest = (id: string) =>
  JSON.parse(readFileSync(join(built, 'graphics', id, ografManifestFile(id)), 'utf8')) as Record<string, unknown>;

let app: FastifyInstance;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ app, close } = await testApp());
});
afterAll(() => close?.());

describe('the OGraf manifests', () => {
  it('publish every overlay graphic and the bug, once each, under ids without a slash', () => {
    const contents = OGRAF_GRAPHICS.map((graphic) => graphic.content);
    expect([...contents].sort()).toEqual([...GRAPHICS].sort());
    const ids = OGRAF_GRAPHICS.map((graphic) => graphic.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).not.toContain('/');
    expect(readdirSync(join(built, 'graphics')).sort()).toEqual([...ids].sort());
  });

  it('validate against the OGraf v1 JSON schema (Ajv, draft 2020-12)', () => {
    const validate = manifestValidator();
    for (const graphic of OGRAF_GRAPHICS) {
      const manifest = readManifest(graphic.id);
      const valid = validate(manifest);
      expect({ id: graphic.id, errors: validate.errors ?? null }).toEqual({ id: graphic.id, errors: null });
      expect(valid).toBe(true);
      expect(manifest).toMatchObject({ id: graphic.id, main: OGRAF_MAIN, supportsRealTime: true, stepCount: 1 });
    }
  });

  it('are checked by a validator that refuses a broken manifest', () => {
    const validate = manifestValidator();
    const good = readManifest('choucha-auditee');
    const broken: Record<string, unknown>[] = [
      { ...good, main: undefined },
      { ...good, $schema: 'https://example.com/schema.json' },
      { ...good, stepCount: -2 },
      { ...good, extra: true },
      { ...good, customActions: [{ id: 'sync' }] },
      { ...good, schema: { type: 'object', properties: { key: { title: '没有类型' } } } },
    ];
    for (const manifest of broken)
      expect(validate(JSON.parse(JSON.stringify(manifest))), JSON.stringify(manifest)).toBe(false);
  });

  it('declare a data schema the graphics read exactly as written: what it accepts, parseOgrafData accepts', () => {
    const ajv = new Ajv2020({ allErrors: true });
    ajv.addVocabulary(['gddType', 'gddOptions', 'hidden', 'order']);
    const samples: unknown[] = [
      {},
      { event: 'ev1', key: 'k'.repeat(40) },
      { server: 'http://192.168.1.10:3000', event: 'e', key: 'k' },
      { server: '' },
      { round: 0 },
      { round: 2 },
      { round: -1 },
      { round: 1.5 },
      { round: '2' },
      { event: 5 },
      { key: 'k'.repeat(129) },
      { channel: 'main' },
      { v_spx: { anything: true } },
    ];
    for (const graphic of OGRAF_GRAPHICS) {
      const check = ajv.compile(readManifest(graphic.id).schema as object);
      for (const sample of samples) {
        expect({ id: graphic.id, sample, ok: parseOgrafData(sample, graphic.content).ok }).toEqual({
          id: graphic.id,
          sample,
          ok: check(sample),
        });
      }
    }
    // A server must be an origin; the schema says it in words, the graphic checks it.
    expect(parseOgrafData({ server: 'http://x:3000/overlay' }, 'auditee').ok).toBe(false);
    expect(parseOgrafData({ server: 'ftp://x' }, 'auditee').ok).toBe(false);
  });

  it('ship each graphic as a folder of its own: manifest, graphic.mjs default-exporting its class, the runtime', () => {
    const runtimes = new Set<string>();
    for (const graphic of OGRAF_GRAPHICS) {
      const folder = join(built, 'graphics', graphic.id);
      const main = readFileSync(join(folder, OGRAF_MAIN), 'utf8');
      expect(main).toMatch(
        new RegExp(
          `^import \\{ ografGraphic \\} from '\\./choucha-ograf\\.mjs';\\nexport default ografGraphic\\('${graphic.id}'\\);\\n$`,
          'u',
        ),
      );
      runtimes.add(readFileSync(join(folder, 'choucha-ograf.mjs'), 'utf8'));
      expect(readdirSync(folder).sort()).toEqual(
        [OGRAF_MAIN, 'choucha-ograf.mjs', ografManifestFile(graphic.id)].sort(),
      );
    }
    expect(runtimes.size).toBe(1);
  });
});

describe('the OGraf graphics served', () => {
  it('serve each folder to any site, and the package of every folder as a zip', async () => {
    for (const graphic of OGRAF_GRAPHICS) {
      for (const file of [ografManifestFile(graphic.id), OGRAF_MAIN, 'choucha-ograf.mjs']) {
        const response = await app.inject({
          method: 'GET',
          url: `/ograf/graphics/${graphic.id}/${file}`,
          headers: { origin: 'http://renderer.example' },
        });
        expect(response.statusCode, file).toBe(200);
        expect(response.headers['access-control-allow-origin'], file).toBe('*');
        expect(response.headers['cross-origin-resource-policy'], file).toBe('cross-origin');
        expect(response.headers['cache-control'], file).toBe('no-cache');
        if (file.endsWith('.mjs')) expect(response.headers['content-type'], file).toMatch(/javascript/u);
      }
    }
    const font = await app.inject({ method: 'GET', url: '/fonts/noto-sans-sc/400.css' });
    expect(font.headers['access-control-allow-origin']).toBe('*');

    const response = await app.inject({ method: 'GET', url: '/ograf/choucha-ograf.zip' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toBe('attachment; filename="choucha-ograf.zip"');
    const zip = await JSZip.loadAsync(response.rawPayload);
    const names = Object.keys(zip.files).filter((name) => !zip.files[name]?.dir);
    expect(names.sort()).toEqual(
      OGRAF_GRAPHICS.flatMap((g) =>
        [OGRAF_MAIN, 'choucha-ograf.mjs', ografManifestFile(g.id)].map((f) => `${g.id}/${f}`),
      ).sort(),
    );
    const packed = await zip.file(`choucha-judges/${ografManifestFile('choucha-judges')}`)?.async('string');
    expect(JSON.parse(packed ?? '{}')).toEqual(readManifest('choucha-judges'));
  });

  it('answer the read-only OGraf Server API: server info, the graphics listing, one graphic’s manifest', async () => {
    const info = await app.inject({ method: 'GET', url: '/ograf/v1/' });
    expect(info.json()).toMatchObject({ name: 'choucha 摇号抽查' });
    const list = (await app.inject({ method: 'GET', url: '/ograf/v1/graphics' })).json<{
      graphics: { id: string; name: string; description: string }[];
    }>();
    expect(list.graphics.map((g) => g.id)).toEqual(OGRAF_GRAPHICS.map((g) => g.id));
    expect(list.graphics.find((g) => g.id === 'choucha-auditee')?.name).toBe('choucha · 人员字幕条');
    for (const graphic of OGRAF_GRAPHICS) {
      const one = await app.inject({ method: 'GET', url: `/ograf/v1/graphics/${graphic.id}` });
      expect(one.headers['access-control-allow-origin']).toBe('*');
      const body = one.json<{ graphic: unknown; metadata: { createdAt: string } }>();
      expect(body.graphic).toEqual(readManifest(graphic.id));
      expect(Date.parse(body.metadata.createdAt)).not.toBeNaN();
    }
    const missing = await app.inject({ method: 'GET', url: '/ograf/v1/graphics/choucha-nothing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<{ error: { code: string } }>().error.code).toBe('OGRAF_GRAPHIC_NOT_FOUND');
  });

  it('keeps every other answer closed to other sites', async () => {
    const api = await app.inject({
      method: 'GET',
      url: '/api/public/events',
      headers: { origin: 'http://renderer.example' },
    });
    expect(api.headers['access-control-allow-origin']).toBeUndefined();
    expect(api.headers['cross-origin-resource-policy']).toBe('same-origin');
    const page = await app.inject({ method: 'GET', url: '/overlay' });
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
  });
});
