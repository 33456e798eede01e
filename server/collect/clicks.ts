import type { WidthBucket } from './types.ts'

/**
 * Heatmap layout bucket for a viewport width in CSS px: mobile < 768 <= tablet < 1024 <= desktop
 * < 1440 <= wide. Clicks are only comparable within one layout, so the aggregate is keyed by this.
 * A missing or zero width (Plausible's script does not send `w`) counts as desktop.
 *
 * @example
 * widthBucket(390) // 'mobile'
 * widthBucket(undefined) // 'desktop'
 */
export function widthBucket(w: number | undefined): WidthBucket {
  if (w === undefined || !Number.isFinite(w) || w <= 0) return 'desktop'
  if (w < 768) return 'mobile'
  if (w < 1024) return 'tablet'
  if (w < 1440) return 'desktop'
  return 'wide'
}
