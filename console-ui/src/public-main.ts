import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import './app.css';
import { mount } from 'svelte';
import Public from './Public.svelte';

mount(Public, { target: document.getElementById('app') as HTMLElement });
