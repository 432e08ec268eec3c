import { mount, unmount } from 'svelte';
import { OGRAF_GRAPHICS, OGRAF_STATUS, type OgrafGraphicId } from '$protocol/ograf';
import graphicsCss from '../graphics.css?inline';
import OgrafStage from './OgrafStage.svelte';
import { OgrafController, type PlayReturnPayload, type ReturnPayload } from './ograf-controller.svelte';

/** The stage's size: every graphic is laid out for 1920×1080 and scaled to the renderer's size. */
const WIDTH = 1920;
const HEIGHT = 1080;

const HOST_CSS = `:host { display: block; position: absolute; left: 0; top: 0; width: 100%; height: 100%; overflow: hidden; pointer-events: none; }`;

/** The shipped Chinese font, from the choucha server (no internet at venues): @font-face must live in the document. */
function loadFonts(server: string): Promise<unknown> {
  return Promise.all(
    ['400', '700'].map((weight) => {
      const href = `${server}/fonts/noto-sans-sc/${weight}.css`;
      const existing = [...document.head.querySelectorAll<HTMLLinkElement>('link[data-choucha-font]')].find(
        (link) => link.href === href,
      );
      if (existing?.sheet) return Promise.resolve();
      const link = existing ?? document.createElement('link');
      const loaded = new Promise((resolve) => {
        link.addEventListener('load', resolve, { once: true });
        link.addEventListener('error', resolve, { once: true });
      });
      if (!existing) {
        link.rel = 'stylesheet';
        link.crossOrigin = 'anonymous';
        link.href = href;
        link.dataset.chouchaFont = weight;
        document.head.append(link);
      }
      return loaded;
    }),
  );
}

interface LoadParams {
  data?: unknown;
  renderType?: string;
  renderCharacteristics?: { resolution?: { width: number; height: number } };
}

/**
 * The OGraf Web Component of one choucha graphic (a fresh class per graphic, so a renderer may
 * define each under a tag of its choosing). Its methods follow the OGraf v1 specification.
 */
export function ografGraphic(id: OgrafGraphicId): CustomElementConstructor {
  const graphic = OGRAF_GRAPHICS.find((entry) => entry.id === id);
  if (!graphic) throw new Error(`unknown choucha OGraf graphic: ${id}`);
  const moduleOrigin = new URL(import.meta.url).origin;

  return class ChouchaOgrafGraphic extends HTMLElement {
    #ctl: OgrafController | null = null;
    #app: ReturnType<typeof mount> | null = null;

    async load(params: LoadParams = {}): Promise<ReturnPayload> {
      if (params.renderType !== undefined && params.renderType !== 'realtime') {
        return { statusCode: 501, statusMessage: OGRAF_STATUS.realtimeOnly };
      }
      if (this.#ctl) return { statusCode: 409, statusMessage: OGRAF_STATUS.loadedTwice };
      const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
      const style = document.createElement('style');
      style.textContent = `${HOST_CSS}\n${graphicsCss}`;
      root.append(style);
      const ctl = new OgrafController(graphic, moduleOrigin, root, loadFonts);
      this.#ctl = ctl;
      const resolution = params.renderCharacteristics?.resolution;
      const scale = resolution ? Math.min(resolution.width / WIDTH, resolution.height / HEIGHT) : 1;
      this.#app = mount(OgrafStage, { target: root, props: { ctl, scale } });
      return ctl.load(params.data);
    }

    async dispose(): Promise<ReturnPayload> {
      this.#ctl?.dispose();
      if (this.#app) await unmount(this.#app);
      this.#app = null;
      this.#ctl = null;
      this.shadowRoot?.replaceChildren();
      return { statusCode: 200 };
    }

    async playAction(
      params: { goto?: number; delta?: number; skipAnimation?: boolean } = {},
    ): Promise<PlayReturnPayload> {
      if (!this.#ctl) return { statusCode: 409, statusMessage: OGRAF_STATUS.notLoaded, currentStep: undefined };
      return this.#ctl.play(params.goto, params.delta, params.skipAnimation === true);
    }

    async stopAction(params: { skipAnimation?: boolean } = {}): Promise<ReturnPayload> {
      if (!this.#ctl) return { statusCode: 409, statusMessage: OGRAF_STATUS.notLoaded };
      return this.#ctl.stop(params.skipAnimation === true);
    }

    async updateAction(params: { data?: unknown; skipAnimation?: boolean } = {}): Promise<ReturnPayload> {
      if (!this.#ctl) return { statusCode: 409, statusMessage: OGRAF_STATUS.notLoaded };
      return this.#ctl.update(params.data, params.skipAnimation === true);
    }

    async customAction(params: { id?: unknown } = {}): Promise<ReturnPayload> {
      if (!this.#ctl) return { statusCode: 409, statusMessage: OGRAF_STATUS.notLoaded };
      return this.#ctl.custom(typeof params.id === 'string' ? params.id : '');
    }

    /** Non-real-time rendering is not offered (supportsNonRealTime: false in every manifest). */
    async goToTime(): Promise<ReturnPayload> {
      return { statusCode: 501, statusMessage: OGRAF_STATUS.realtimeOnly };
    }

    async setActionsSchedule(): Promise<ReturnPayload> {
      return { statusCode: 501, statusMessage: OGRAF_STATUS.realtimeOnly };
    }
  };
}
