/**
 * The crumbless command line: serve | migrate | sites | demo.
 * Errors print one line and exit non-zero.
 */
import { ConfigError } from '../server/config.ts'
import { CliError } from './commands/cli-error.ts'

const USAGE = `usage: crumbless <command>

  serve                                   start the server (default)
  migrate                                 apply pending migrations and exit
  sites add <domain> [--timezone Z] [--retention-days N]
  sites list
  sites remove <domain> [--yes]           deletes the site and all of its data
  users add <email> [--admin] [--password-stdin]
  users list | users password <email>
  demo [--days N] [--visits N] [--domain D]  register a demo site and generate traffic`

// Loaded on demand: each command pulls in different heavy modules (chDB, esbuild, the KDF).
const COMMANDS: Record<string, () => Promise<(args: string[]) => Promise<void>>> = {
  serve: async () => (await import('./commands/serve.ts')).runServe,
  migrate: async () => (await import('./commands/migrate.ts')).runMigrate,
  sites: async () => (await import('./commands/sites.ts')).runSites,
  users: async () => (await import('./commands/users.ts')).runUsers,
  demo: async () => (await import('./commands/demo.ts')).runDemo,
}

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE)
    return
  }
  const load = COMMANDS[command]
  if (!load) throw new CliError(`unknown command "${command}"\n${USAGE}`)
  await (await load())(rest)
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof CliError) console.error(`crumbless: ${err.message}`)
  else console.error(`crumbless: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`)
  process.exit(1)
})
