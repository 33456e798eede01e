import { parseArgs } from 'node:util'
import { normalizeDomain } from '../../server/collect/site.ts'
import { isTimeZone, MAX_RETENTION_DAYS, newSite, SiteStore } from '../../server/store/sites.ts'
import { CliError } from './cli-error.ts'
import { withEngine } from './engine.ts'

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/

export function validDomain(raw: string | undefined): string {
  const domain = normalizeDomain(raw ?? '')
  if (!DOMAIN.test(domain)) throw new CliError(`"${raw ?? ''}" is not a domain name such as example.com`)
  return domain
}

async function add(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { timezone: { type: 'string' }, 'retention-days': { type: 'string' } },
  })
  const domain = validDomain(positionals[0])
  const timezone = values.timezone ?? 'UTC'
  if (!isTimeZone(timezone)) throw new CliError(`--timezone: "${timezone}" is not an IANA time zone`)
  const retention = values['retention-days']
  if (retention !== undefined && !/^\d+$/.test(retention))
    throw new CliError('--retention-days: expected days')
  const retentionDays = retention === undefined ? undefined : Number(retention)
  if (retentionDays !== undefined && (retentionDays < 1 || retentionDays > MAX_RETENTION_DAYS)) {
    throw new CliError(`--retention-days: between 1 and ${MAX_RETENTION_DAYS}`)
  }
  await withEngine(async (ch) => {
    const sites = new SiteStore(ch, Date.now, 0)
    if (await sites.get(domain)) throw new CliError(`site ${domain} already exists`)
    await sites.save(newSite(domain, { timezone, ...(retentionDays ? { retentionDays } : {}) }))
    console.log(`added ${domain} (timezone ${timezone})`)
  })
}

async function list(): Promise<void> {
  await withEngine(async (ch) => {
    const sites = await new SiteStore(ch, Date.now, 0).list()
    if (sites.length === 0) console.log('no sites yet: crumbless sites add <domain>')
    for (const s of sites) console.log(`${s.domain}\t${s.timezone}\tretention ${s.retentionDays} days`)
  })
}

async function remove(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { yes: { type: 'boolean' } },
  })
  const domain = validDomain(positionals[0])
  if (!values.yes) {
    const { createInterface } = await import('node:readline/promises')
    const rl = createInterface({ input: process.stdin, output: process.stdout })
    const answer = await rl.question(`Delete ${domain} and ALL of its data? Type the domain to confirm: `)
    rl.close()
    if (answer.trim() !== domain) throw new CliError('not confirmed; nothing deleted')
  }
  await withEngine(async (ch) => {
    const sites = new SiteStore(ch, Date.now, 0)
    if (!(await sites.get(domain))) throw new CliError(`no site ${domain}`)
    await sites.remove(domain)
    console.log(`removed ${domain} and its data`)
  })
}

export async function runSites(args: string[]): Promise<void> {
  const [sub, ...rest] = args
  if (sub === 'add') return add(rest)
  if (sub === 'list') return list()
  if (sub === 'remove') return remove(rest)
  throw new CliError('usage: crumbless sites add|list|remove')
}
