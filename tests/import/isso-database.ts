import initSqlJs from 'sql.js'
import { tempFile } from './parse-fixture.ts'

// The tables as Isso creates them (isso/db/threads.py, comments.py, preferences.py).
const ISSO_SCHEMA = `
  create table if not exists threads (id integer primary key, uri varchar(256) unique, title varchar(256));
  create table if not exists comments (
    tid references threads(id), id integer primary key, parent integer,
    created float not null, modified float, mode integer, remote_addr varchar,
    text varchar, author varchar, email varchar, website varchar,
    likes integer default 0, dislikes integer default 0, voters blob not null,
    notification integer not null default 0);
  create table if not exists preferences (key varchar primary key, value varchar);`

export type Thread = [id: number, uri: string | null, title: string | null]
export interface Comment { id: number; tid: number; parent?: number; created: number; modified?: number; mode: number; text: string; author?: string; email?: string; website?: string }

/** An Isso database file with these rows, written as Isso would (a Bloom filter of voters, an IP). */
export async function issoDatabase(name: string, threads: Thread[], comments: Comment[]): Promise<string> {
  const SQL = await initSqlJs()
  const db = new SQL.Database()
  db.run(ISSO_SCHEMA)
  db.run("insert into preferences values ('session-key', 'c0ffee')")
  for (const thread of threads) db.run('insert into threads (id, uri, title) values (?, ?, ?)', thread)
  for (const c of comments) {
    db.run(
      'insert into comments (tid, id, parent, created, modified, mode, remote_addr, text, author, email, website, voters, notification) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)',
      [c.tid, c.id, c.parent ?? null, c.created, c.modified ?? null, c.mode, '192.0.2.0', c.text, c.author ?? null, c.email ?? null, c.website ?? null, new Uint8Array(256)],
    )
  }
  const bytes = db.export()
  db.close()
  return tempFile(name, bytes)
}
