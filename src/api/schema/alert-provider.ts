import { Type } from 'typebox';
import { Document, LocalRef } from './common.js';

export const ALERT_PROVIDER_TYPES = ['slack', 'msteams', 'discord', 'rocket', 'gchat', 'googlechat', 'webhook'] as const;

export const AlertProviderSpec = Type.Object({
  type: Type.Union(ALERT_PROVIDER_TYPES.map((t) => Type.Literal(t))),
  channel: Type.Optional(Type.String()),
  username: Type.Optional(Type.String()),
  address: Type.Optional(Type.String()),
  proxy: Type.Optional(Type.String()),
  secretRef: Type.Optional(LocalRef),
});

export const AlertProviderDocument = Document('AlertProvider', AlertProviderSpec);
