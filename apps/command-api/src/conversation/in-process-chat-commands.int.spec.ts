import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conversationStreamId } from '../../../../libs/domain/src';
import { EventStore } from '../../../../libs/event-store/src/event-store.port';
import { readWholeStream } from '../../../../libs/event-store/src/read-pages';
import { ChatCommands } from '../../../../libs/platform/src/chat-commands.port';
import { loadConfig } from '../../../../libs/platform/src/config';
import { EmbeddedInfraModule } from '../../../../libs/platform/src/embedded-infra.module';
import { createLogger } from '../../../../libs/platform/src/logger';
import { describeChatCommandsContract } from '../../../../libs/platform/src/testing/chat-commands.contract';
import { CHAT_COMMANDS, EVENT_STORE } from '../../../../libs/platform/src/tokens';
import { CommandApiModule } from '../command-api.module';
import { StartConversation } from '../start-conversation/start-conversation.handler';
import { InProcessChatCommands } from './in-process-chat-commands';

/**
 * InProcessChatCommands as the embedded gateway gets it: CHAT_COMMANDS of the CommandApiModule
 * on the embedded infrastructure (LMDB under a temporary DATA_DIR), through the CommandBus.
 */
describeChatCommandsContract('InProcessChatCommands (CommandBus, embedded LMDB)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'in-process-chat-commands-'));
  const config = loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'in-process-chat-commands-secret' });
  const logger = createLogger('silent');

  @Module({
    imports: [
      EmbeddedInfraModule.forRoot(config, logger, { ownsReadModels: false }),
      CommandApiModule,
    ],
  })
  class TestAppModule {}

  const app = await NestFactory.createApplicationContext(TestAppModule, { logger: false });
  await app.init();
  const commands = app.get<ChatCommands>(CHAT_COMMANDS);
  expect(commands).toBeInstanceOf(InProcessChatCommands);
  const bus = app.get(CommandBus);
  const store = app.get<EventStore>(EVENT_STORE);

  return {
    commands,
    startConversation: async ({ actor, kind, members }) => {
      const ctx = { actor, correlationId: `start-${actor}` };
      const started = await bus.execute<StartConversation, { conversationId: string }>(
        new StartConversation({ kind, members }, ctx),
      );
      return started.conversationId;
    },
    storedEvents: async (conversationId) =>
      (await readWholeStream(store, conversationStreamId(conversationId))).map((e) => ({
        type: e.type,
        data: e.data as Record<string, unknown>,
        actor: e.metadata.actor,
        correlationId: e.metadata.correlationId,
      })),
    cleanup: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
