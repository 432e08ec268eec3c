import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { SCREENSHOT_DIR } from './browser';

/** The 90% title-safe area of a 1920×1080 frame. */
export const TITLE_SAFE = { left: 96, top: 54, right: 1824, bottom: 1026 } as const;

export interface FrameFacts {
  width: number;
  height: number;
  /** Every pixel of the four 32×32 corners is fully transparent. */
  cornersTransparent: boolean;
  /** Bounding box of the pixels that are not fully transparent; null for an empty frame. */
  box: { left: number; top: number; right: number; bottom: number } | null;
}

export function frameFacts(png: Buffer): FrameFacts {
  const image = PNG.sync.read(png);
  const { width, height, data } = image;
  const alpha = (x: number, y: number) => data[(y * width + x) * 4 + 3] as number;
  let cornersTransparent = true;
  for (const [x0, y0] of [
    [0, 0],
    [width - 32, 0],
    [0, height - 32],
    [width - 32, height - 32],
  ] as const) {
    for (let y = y0; y < y0 + 32; y += 1)
      for (let x = x0; x < x0 + 32; x += 1) if (alpha(x, y) !== 0) cornersTransparent = false;
  }
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if (alpha(x, y) === 0) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  return {
    width,
    height,
    cornersTransparent,
    box: right < 0 ? null : { left, top, right: right + 1, bottom: bottom + 1 },
  };
}

export function insideTitleSafe(box: FrameFacts['box']): boolean {
  return (
    box === null ||
    (box.left >= TITLE_SAFE.left &&
      box.top >= TITLE_SAFE.top &&
      box.right <= TITLE_SAFE.right &&
      box.bottom <= TITLE_SAFE.bottom)
  );
}

/** The RGBA of one pixel. */
export function pixel(png: Buffer, x: number, y: number): [number, number, number, number] {
  const image = PNG.sync.read(png);
  const i = (y * image.width + x) * 4;
  return [image.data[i], image.data[i + 1], image.data[i + 2], image.data[i + 3]] as [number, number, number, number];
}

/**
 * A graphic as the README shows it: composited over a flat studio-like backdrop (a transparent PNG is
 * unreadable on a white page) and halved to 960×540 to keep the repository small.
 */
export function saveDocsFrame(png: Buffer, name: string): string {
  const source = PNG.sync.read(png);
  const out = new PNG({ width: source.width / 2, height: source.height / 2 });
  for (let y = 0; y < out.height; y += 1) {
    for (let x = 0; x < out.width; x += 1) {
      // Backdrop: a flat studio grey-blue (flat keeps the PNGs small).
      const backdrop = [60, 70, 86];
      const sum = [0, 0, 0];
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const i = ((y * 2 + dy) * source.width + (x * 2 + dx)) * 4;
        const a = (source.data[i + 3] as number) / 255;
        for (let c = 0; c < 3; c += 1)
          sum[c] = (sum[c] as number) + (source.data[i + c] as number) * a + (backdrop[c] as number) * (1 - a);
      }
      const o = (y * out.width + x) * 4;
      for (let c = 0; c < 3; c += 1) out.data[o + c] = Math.round((sum[c] as number) / 4);
      out.data[o + 3] = 255;
    }
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  writeFileSync(path, PNG.sync.write(out, { colorType: 2 }));
  return path;
}
