import { createElement, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AdminApp } from './AdminApp.tsx';
import type { AdminPlatform } from './platform.ts';

export { AdminApp } from './AdminApp.tsx';
export type { AdminPlatform } from './platform.ts';
export { neutralShell } from './neutral-shell.ts';
export type {
  AdminShell,
  BadgeProps,
  BadgeTone,
  BannerProps,
  BannerTone,
  CardProps,
  DataTableColumn,
  DataTableProps,
  DataTableRow,
  HeaderProps,
  PageLink,
  SaveBarProps,
} from './shell.ts';

/** Renders the admin page into `element` for one platform; returns a function that unmounts it. */
export function mountAdmin(element: HTMLElement, platform: AdminPlatform): () => void {
  const root = createRoot(element);
  root.render(createElement(StrictMode, null, createElement(AdminApp, { platform })));
  return () => root.unmount();
}
