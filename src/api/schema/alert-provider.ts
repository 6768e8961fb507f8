import { Type } from 'typebox';
import { Document, LiteralUnion } from './common.js';

export const ALERT_PROVIDER_TYPES = [
  'slack',
  'msteams',
  'discord',
  'rocket',
  'gchat',
  'googlechat',
  'webhook',
] as const;

export const AlertProviderSpec = Type.Object({
  type: LiteralUnion(ALERT_PROVIDER_TYPES, { description: 'Chat service or generic webhook.' }),
  channel: Type.Optional(Type.String({ description: 'Channel to post to (Slack). Default: general.' })),
  username: Type.Optional(Type.String({ description: 'Name the messages are posted as. Default: aviary.' })),
  address: Type.Optional(Type.String({ description: 'Webhook URL; secretRef key address overrides it.' })),
  proxy: Type.Optional(Type.String({ description: 'HTTP proxy URL for the webhook calls.' })),
  secretRef: Type.Optional(
    Type.Object(
      { name: Type.String({ minLength: 1, description: 'Secret name.' }) },
      {
        description:
          'Secret in the provider namespace with key address (and optional token, sent as Bearer).',
      },
    ),
  ),
});

export const AlertProviderDocument = Document('AlertProvider', AlertProviderSpec);
