import { sql, type Kysely } from 'kysely'

// Readers tell a site's owners and moderators from everyone else by a badge, and guests from
// accounts. The role is the one the author had when they wrote the comment, kept with it, so a
// page needs no join and a moderator's words stay marked as spoken in that role. Comments
// already written take their authors' roles of today.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table comments add column author_role text check (author_role in ('owner', 'moderator'))`.execute(db)
  await sql`update comments c set author_role = m.role from site_members m
    where m.site_id = c.site_id and m.user_id = c.author_user_id and m.role in ('owner', 'moderator')`.execute(db)
}
