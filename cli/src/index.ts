export { main } from './main.ts';
export { PLATFORMS } from './platforms.ts';
