export { type ClickCapture, type ClickCaptures, findOrderClickCapture } from './click-captures.ts';
