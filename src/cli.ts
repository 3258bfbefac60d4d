import { runCommand, parseCommand, USAGE, type CommandIo } from './cli/commands.ts'
import { sendToServer } from './cli/local-channel.ts'
import { parseConfig, type Config } from './config.ts'
import { createDatabase } from './db/database.ts'
import { migrateToLatest } from './db/migrate.ts'
import { explainCommandError } from './cli/explain-error.ts'

// `npm run engawa -- …`: one command, on the database the server uses. On the embedded database
// while the server runs, the server runs it (cli/local-channel.ts); otherwise this process does.

const io: CommandIo = {
  out: async (text) => {
    if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve))
  },
  err: (text) => void process.stderr.write(text),
  cwd: process.cwd(),
  progress: process.stderr,
}

async function main(argv: string[]): Promise<number> {
  if (!parseCommand(argv)) {
    await io.out(`${USAGE}\n`)
    return 0
  }
  const config: Config = parseConfig(process.env)
  if (!config.databaseUrl) {
    const exit = await sendToServer(config.dataDir, { argv, cwd: process.cwd() }, { stdout: process.stdout, stderr: process.stderr })
    if (exit !== undefined) return exit
  }
  const database = await createDatabase(config)
  try {
    await migrateToLatest(database.db)
    await runCommand(argv, { db: database.db, config, io })
    return 0
  } finally {
    await database.close()
  }
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (error) {
  const line = explainCommandError(error, process.env.DATABASE_URL)
  if (!line) throw error
  console.error(line)
  process.exitCode = 1
}
