import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import './graphics.css';
import './overlay.css';
import { mount } from 'svelte';
import Overlay from './Overlay.svelte';
import { OverlayState } from './lib/overlay-state.svelte';

// CasparCG's HTML producer defines one of these before the page runs.
const underCaspar = 'caspar' in window || 'casparcg' in window;
const params = new URLSearchParams(location.search);
const ov = new OverlayState(params, underCaspar);
let connectedTo = '';
const connectWith = ({ event, key }: { event?: string; key?: string }) => {
  if (!event || !key || `${event}:${key}` === connectedTo) return;
  connectedTo = `${event}:${key}`;
  ov.connect(event, key);
};
ov.installTemplateApi(connectWith);
connectWith({ event: params.get('event') ?? undefined, key: params.get('key') ?? undefined });

mount(Overlay, { target: document.getElementById('overlay') as HTMLElement, props: { ov } });
