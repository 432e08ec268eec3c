/**
 * A minimal OGraf renderer, written from the EBU's specification (../shared/reference/ograf/
 * Specification.md, "Requirements for a Renderer" and "Web Component Interface"), knowing nothing
 * of choucha: it reads a manifest, imports the module its `main` names (relative to the manifest),
 * defines the default export as a custom element, puts one instance on a layer of its own, calls
 * load() and waits for it before any action, and calls dispose() before removing it.
 */
const instances = new Map();

/** Characteristics of this renderer, passed to every load(). */
const RENDER_CHARACTERISTICS = {
  resolution: { width: 1920, height: 1080 },
  frameRate: 50,
  accessToPublicInternet: false,
};

/** The spec's ReturnPayload, made plain for the test (an undefined answer counts as { statusCode: 200 }). */
const answer = (payload) =>
  payload === undefined
    ? { statusCode: 200 }
    : { ...payload, hasCurrentStep: 'currentStep' in payload, currentStep: payload.currentStep ?? null };

window.renderer = {
  async load(manifestUrl, data, resolution = RENDER_CHARACTERISTICS.resolution) {
    const manifest = await (await fetch(manifestUrl)).json();
    const module = await import(new URL(manifest.main, manifestUrl).href);
    // A custom element's name needs a hyphen; the renderer picks its own.
    const tag = `ograf-${manifest.id}`;
    if (!customElements.get(tag)) customElements.define(tag, module.default);
    const layer = document.createElement('div');
    layer.className = 'layer';
    const element = document.createElement(tag);
    layer.append(element);
    document.getElementById('layers').append(layer);
    const loaded = await element.load({
      data,
      renderType: 'realtime',
      renderCharacteristics: { ...RENDER_CHARACTERISTICS, resolution },
    });
    instances.set(manifest.id, element);
    return answer(loaded);
  },

  /** One of the action methods: playAction, stopAction, updateAction, customAction. */
  async act(id, method, params) {
    return answer(await instances.get(id)[method](params));
  },

  /**
   * Calls an action and says, the moment its promise resolves, whether the graphic is drawn and
   * whether any entrance or exit is still running in it.
   */
  async actAndLook(id, method, params) {
    const element = instances.get(id);
    const result = answer(await element[method](params));
    const root = element.shadowRoot;
    const running = root
      .getAnimations()
      .filter((a) => a.playState === 'running' && a.effect?.getComputedTiming().iterations !== Infinity).length;
    return { result, drawn: root.querySelector('[data-testid="graphic"]') !== null, running };
  },

  async remove(id) {
    const element = instances.get(id);
    const disposed = answer(await element.dispose({}));
    element.parentElement.remove();
    instances.delete(id);
    return disposed;
  },
};
