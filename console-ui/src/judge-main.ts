import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import './app.css';
import { mount } from 'svelte';
import Judge from './Judge.svelte';
import { JudgeTablet } from './lib/judge.svelte';
import { JUDGE_LABEL_TEXT } from './lib/judge-label-text';

// Every glyph the tablet may need, now, while the network is there (names come with the snapshot).
for (const weight of [400, 700])
  void document.fonts.load(`${weight} 24px 'Noto Sans SC'`, JUDGE_LABEL_TEXT).catch(() => undefined);

const tablet = new JudgeTablet(new URLSearchParams(location.search));
mount(Judge, { target: document.getElementById('app') as HTMLElement, props: { tablet } });
