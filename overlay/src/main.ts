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
// A channel's permanent link (?channel=&key=) follows the installation's event; ?event=&key= shows one event.
const connectWith = ({ channel, event, key }: { channel?: string; event?: string; key?: string }) => {
  if (!key || (!channel && !event)) return;
  const target = channel ? `channel:${channel}:${key}` : `event:${event}:${key}`;
  if (target === connectedTo) return;
  connectedTo = target;
  if (channel) ov.connectChannel(channel, key);
  else if (event) ov.connect(event, key);
};
ov.installTemplateApi(connectWith);
connectWith({
  channel: params.get('channel') ?? undefined,
  event: params.get('event') ?? undefined,
  key: params.get('key') ?? undefined,
});

mount(Overlay, { target: document.getElementById('overlay') as HTMLElement, props: { ov } });
