import { parseArgs } from 'node:util'
import { hashPassword, passwordProblem } from '../../server/auth/password.ts'
import { loadSecret } from '../../server/auth/secret.ts'
import { SessionStore } from '../../server/auth/sessions.ts'
import { emailProblem, UserStore } from '../../server/auth/users.ts'
import { CliError } from './cli-error.ts'
import { withEngine } from './engine.ts'

const USAGE = `usage: crumbless users add [--admin] <email> [--password-stdin]
       crumbless users list
       crumbless users password <email> [--password-stdin]   set a new password, end all sessions`

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  // One trailing newline is how `echo` and files end; anything else is part of the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

/** Asks on the terminal without echoing what is typed. */
async function askHidden(question: string): Promise<string> {
  const { createInterface } = await import('node:readline')
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true })
  const out = rl as unknown as { _writeToOutput: (s: string) => void }
  let muted = false
  out._writeToOutput = (s) => {
    if (!muted) process.stdout.write(s)
  }
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close()
      process.stdout.write('\n')
      resolve(answer)
    })
    muted = true
  })
}

async function newPassword(fromStdin: boolean | undefined): Promise<string> {
  let password: string
  if (fromStdin) {
    password = await readStdin()
  } else if (process.stdin.isTTY) {
    password = await askHidden('Password: ')
    if ((await askHidden('Repeat password: ')) !== password) throw new CliError('passwords do not match')
  } else {
    throw new CliError('no terminal to ask for a password; pipe it in with --password-stdin')
  }
  const problem = passwordProblem(password)
  if (problem) throw new CliError(problem)
  return password
}

function email(raw: string | undefined): string {
  const problem = emailProblem(raw)
  if (problem || raw === undefined) throw new CliError(`${problem ?? 'email is required'}\n${USAGE}`)
  return raw
}

async function add(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { admin: { type: 'boolean' }, 'password-stdin': { type: 'boolean' } },
  })
  const address = email(positionals[0])
  const password = await newPassword(values['password-stdin'])
  await withEngine(async (ch) => {
    const users = new UserStore(ch, Date.now)
    if (await users.byEmail(address)) throw new CliError(`a user ${address} already exists`)
    const user = await users.create({
      email: address,
      passwordHash: await hashPassword(password),
      isAdmin: !!values.admin,
    })
    console.log(`added ${user.email}${user.isAdmin ? ' (instance admin)' : ''}`)
  })
}

async function list(): Promise<void> {
  await withEngine(async (ch) => {
    const users = await new UserStore(ch, Date.now).list()
    if (users.length === 0) console.log('no users yet: crumbless users add --admin <email>')
    for (const u of users) {
      console.log(
        `${u.email}\t${u.isAdmin ? 'admin' : 'user'}${u.passwordHash ? '' : '\t(invited, no password yet)'}`,
      )
    }
  })
}

async function password(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'password-stdin': { type: 'boolean' } },
  })
  const address = email(positionals[0])
  const next = await newPassword(values['password-stdin'])
  await withEngine(async (ch) => {
    const users = new UserStore(ch, Date.now)
    const user = await users.byEmail(address)
    if (!user) throw new CliError(`no user ${address}`)
    await users.save({ ...user, passwordHash: await hashPassword(next) })
    await new SessionStore(ch, Date.now, () => loadSecret(ch), users).revokeAll(user.id)
    console.log(`password of ${user.email} changed; all of its sessions ended`)
  })
}

/**
 * `crumbless users add [--admin] <email>`: creates a user (the first admin, typically),
 * asking for the password on a terminal or reading it from stdin with `--password-stdin`.
 *
 * @example
 * await runUsers(['add', '--admin', 'ana@example.com', '--password-stdin'])
 */
export async function runUsers(args: string[]): Promise<void> {
  const [sub, ...rest] = args
  if (sub === 'add') return add(rest)
  if (sub === 'list') return list()
  if (sub === 'password') return password(rest)
  throw new CliError(USAGE)
}
