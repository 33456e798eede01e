import { countryName, flag } from '../lib/countries.ts'

export interface TabDef {
  label: string
  property: string
  /** Column header for the row names. */
  column: string
  metrics?: string[]
  /** Rows that are not worth listing in this tab (built-in event names under Goals). */
  hide?: (value: string) => boolean
  display?: (value: string) => string
  /** Rows link to the page's heatmap. */
  heatmap?: boolean
}

export interface PanelDef {
  id: string
  title: string
  tabs: TabDef[]
}

const BUILT_IN_EVENTS = new Set(['pageview', 'engagement'])

/** Breakdown panels, in Plausible's order. */
export const PANELS: readonly PanelDef[] = [
  {
    id: 'sources',
    title: 'Top sources',
    tabs: [
      { label: 'Sources', property: 'visit:source', column: 'Source' },
      { label: 'Referrers', property: 'visit:referrer', column: 'Referrer' },
      { label: 'UTM source', property: 'visit:utm_source', column: 'UTM source' },
      { label: 'UTM medium', property: 'visit:utm_medium', column: 'UTM medium' },
      { label: 'UTM campaign', property: 'visit:utm_campaign', column: 'UTM campaign' },
    ],
  },
  {
    id: 'pages',
    title: 'Top pages',
    tabs: [
      { label: 'Top pages', property: 'event:page', column: 'Page', heatmap: true },
      { label: 'Entry pages', property: 'visit:entry_page', column: 'Entry page', heatmap: true },
      { label: 'Exit pages', property: 'visit:exit_page', column: 'Exit page', heatmap: true },
    ],
  },
  {
    id: 'locations',
    title: 'Locations',
    tabs: [
      {
        label: 'Countries',
        property: 'visit:country',
        column: 'Country',
        display: (code) => `${flag(code)} ${countryName(code)}`,
      },
    ],
  },
  {
    id: 'devices',
    title: 'Devices',
    tabs: [
      { label: 'Browser', property: 'visit:browser', column: 'Browser' },
      { label: 'OS', property: 'visit:os', column: 'Operating system' },
      {
        label: 'Size',
        property: 'visit:device',
        column: 'Device',
        display: (d) => (d ? d.charAt(0).toUpperCase() + d.slice(1) : 'Unknown'),
      },
    ],
  },
  {
    id: 'goals',
    title: 'Goals',
    tabs: [
      {
        label: 'Goals',
        property: 'event:name',
        column: 'Goal',
        metrics: ['visitors', 'events'],
        hide: (v) => BUILT_IN_EVENTS.has(v),
      },
    ],
  },
]

/**
 * The key under which a breakdown row carries its value (`visit:source` -> `source`,
 * `event:props:plan` -> `plan`).
 *
 * @example
 * rowKey('event:page') // 'page'
 */
export function rowKey(property: string): string {
  return property
    .split(':')
    .slice(property.startsWith('event:props:') ? 2 : 1)
    .join(':')
}
