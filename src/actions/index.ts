import { moderationActions } from './moderation';
import { writerActions } from './writer';

export const server = { ...writerActions, ...moderationActions };
