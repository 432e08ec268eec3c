import type { Page } from 'playwright-core';
import type { Layer, Zone } from '../../server/protocol/air';
import type { Graphic } from '../../server/protocol/round';

/** A graphic the output draws, with the box of what it actually paints (its descendants, clipped). */
export interface Drawn {
  layer: Layer;
  graphic: Graphic;
  text: string;
  box: Zone;
}

/** What the output draws now, layer by layer (graphics on their way out are left out). */
export function drawn(page: Page): Promise<Drawn[]> {
  return page.evaluate(() => {
    const layers = [...document.querySelectorAll<HTMLElement>('[data-testid="graphic"]')].filter((el) => !el.inert);
    return layers.map((layer) => {
      let left = Infinity;
      let top = Infinity;
      let right = -Infinity;
      let bottom = -Infinity;
      for (const el of layer.querySelectorAll('*')) {
        let r = el.getBoundingClientRect();
        let clip = { l: r.left, t: r.top, r: r.right, b: r.bottom };
        // What an ancestor inside the layer clips (a scrolling ticker's hidden copy) is not painted.
        for (let up = el.parentElement; up && up !== layer; up = up.parentElement) {
          if (getComputedStyle(up).overflow === 'visible') continue;
          r = up.getBoundingClientRect();
          clip = {
            l: Math.max(clip.l, r.left),
            t: Math.max(clip.t, r.top),
            r: Math.min(clip.r, r.right),
            b: Math.min(clip.b, r.bottom),
          };
        }
        if (clip.r - clip.l < 1 || clip.b - clip.t < 1) continue;
        left = Math.min(left, clip.l);
        top = Math.min(top, clip.t);
        right = Math.max(right, clip.r);
        bottom = Math.max(bottom, clip.b);
      }
      return {
        layer: layer.dataset.layer as Layer,
        graphic: layer.dataset.graphic as Graphic,
        text: layer.innerText.replace(/\s+/gu, ' ').trim(),
        box: { x: left, y: top, w: right - left, h: bottom - top },
      };
    });
  });
}

export const EPS = 0.5;
export const inside = (a: Zone, b: Zone) =>
  a.x >= b.x - EPS && a.y >= b.y - EPS && a.x + a.w <= b.x + b.w + EPS && a.y + a.h <= b.y + b.h + EPS;
export const overlap = (a: Zone, b: Zone) =>
  a.x < b.x + b.w - EPS && b.x < a.x + a.w - EPS && a.y < b.y + b.h - EPS && b.y < a.y + a.h - EPS;
