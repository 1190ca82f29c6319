import type { BadgeProps, BannerProps, BannerTone, CardProps } from '@cartrelay/admin';
import { useId } from 'react';

/**
 * The primitives in the Shopify admin's visual language (Polaris's card, banner and badge), drawn
 * with Polaris's design tokens in shopify-look.css rather than Polaris React: the same semantic
 * markup as the neutral shell's, so keyboard and screen-reader behaviour is unchanged.
 */

export function ShopifyCard({ title, aside, children }: CardProps) {
  const headingId = useId();
  return (
    <section className="sp-card" aria-labelledby={headingId}>
      <div className="sp-card-header">
        <h3 id={headingId}>{title}</h3>
        {aside}
      </div>
      {children}
    </section>
  );
}

/** Polaris shows a banner's tone with an icon as well as a colour; the icon is decoration, the title says it. */
const BANNER_ICON: Record<BannerTone, string> = { critical: '!', warning: '!', info: 'i', success: '✓' };

export function ShopifyBanner({ tone, title, children }: BannerProps) {
  return (
    <div className={`sp-banner sp-banner-${tone}`} role={tone === 'critical' ? 'alert' : 'status'}>
      <span className="sp-banner-icon" aria-hidden="true">
        {BANNER_ICON[tone]}
      </span>
      <div className="sp-banner-body">
        <p className="sp-banner-title">
          <strong>{title}</strong>
        </p>
        {children}
      </div>
    </div>
  );
}

export function ShopifyBadge({ tone, children }: BadgeProps) {
  return <span className={`sp-badge sp-badge-${tone}`}>{children}</span>;
}
