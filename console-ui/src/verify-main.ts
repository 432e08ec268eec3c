import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import './app.css';
import { mount } from 'svelte';
import Verify from './Verify.svelte';

mount(Verify, { target: document.getElementById('app') as HTMLElement });
