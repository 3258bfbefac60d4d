import type { OutgoingMail } from '../mail/outbox.ts'

// The words of the mails accounts send. Links carry their one-time token in the fragment,
// which browsers never send to a server: it stays out of access logs and Referer headers, and
// a mail scanner that fetches the link does not use it up (the page asks before it does).

export function confirmAddressMail(publicUrl: string, to: string, token: string): OutgoingMail {
  return {
    to,
    subject: 'Confirm your address for Engawa',
    text: [
      'Someone (we hope you) signed up for Engawa comments with this address.',
      '',
      'To confirm it and sign in, open this link within 24 hours:',
      `${publicUrl}/auth/confirm#verify=${token}`,
      '',
      'If it was not you, ignore this mail: no account is made without this link.',
    ].join('\n'),
  }
}

export function alreadyRegisteredMail(publicUrl: string, to: string, token: string): OutgoingMail {
  return {
    to,
    subject: 'You already have an Engawa account',
    text: [
      'Someone (we hope you) tried to sign up for Engawa comments with this address, which already has an account.',
      '',
      'To sign in now, open this link within 24 hours:',
      `${publicUrl}/auth/confirm#verify=${token}`,
      '',
      `Forgot your password? Choose a new one at ${publicUrl}/auth/popup#reset`,
      'If it was not you, ignore this mail: nothing has changed.',
    ].join('\n'),
  }
}

export function resetPasswordMail(publicUrl: string, to: string, token: string): OutgoingMail {
  return {
    to,
    subject: 'Choose a new Engawa password',
    text: [
      'Someone (we hope you) asked to reset the password of the Engawa account with this address.',
      '',
      'To choose a new password, open this link within an hour. It works once:',
      `${publicUrl}/auth/confirm#reset=${token}`,
      '',
      'If it was not you, ignore this mail: your password has not changed.',
    ].join('\n'),
  }
}

export function noAccountMail(publicUrl: string, to: string): OutgoingMail {
  return {
    to,
    subject: 'Engawa password reset',
    text: [
      'Someone (we hope you) asked to reset the password of an Engawa account with this address,',
      'but no account uses it.',
      '',
      `To make one, sign up at ${publicUrl}/auth/popup#signup`,
      'If it was not you, ignore this mail.',
    ].join('\n'),
  }
}
