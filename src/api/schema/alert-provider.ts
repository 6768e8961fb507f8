import { Type } from 'typebox';
import { Document, LiteralUnion, LocalRef } from './common.js';

export const ALERT_PROVIDER_TYPES = ['slack', 'msteams', 'discord', 'rocket', 'gchat', 'googlechat', 'webhook'] as const;

export const AlertProviderSpec = Type.Object({
  type: LiteralUnion(ALERT_PROVIDER_TYPES),
  channel: Type.Optional(Type.String()),
  username: Type.Optional(Type.String()),
  address: Type.Optional(Type.String()),
  proxy: Type.Optional(Type.String()),
  secretRef: Type.Optional(LocalRef),
});

export const AlertProviderDocument = Document('AlertProvider', AlertProviderSpec);
