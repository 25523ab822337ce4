import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EVENT_STORE, LOGGER, READ_MODELS, UPDATE_BUS } from '../../../libs/platform/src/tokens';
import { Projector } from './projector';
import { ProjectorModule } from './projector.module';
import { appendAll, sent, started } from './testing/chat-history';
import { ProjectorHarness, silentLogger, waitFor } from './testing/projector-harness';

describe('ProjectorModule', () => {
  let h: ProjectorHarness;
  beforeEach(() => {
    h = new ProjectorHarness();
  });
  afterEach(() => h.cleanup());

  it('starts the projector on bootstrap and stops it on shutdown', async () => {
    @Global()
    @Module({
      providers: [
        { provide: EVENT_STORE, useValue: h.eventStore },
        { provide: READ_MODELS, useValue: h.readModels },
        { provide: UPDATE_BUS, useValue: h.bus },
        { provide: LOGGER, useValue: silentLogger },
      ],
      exports: [EVENT_STORE, READ_MODELS, UPDATE_BUS, LOGGER],
    })
    class TestInfraModule {}

    @Module({ imports: [TestInfraModule, ProjectorModule] })
    class TestAppModule {}

    const app = await NestFactory.createApplicationContext(TestAppModule, { logger: false });
    await app.init();
    const projector = app.get(Projector);
    const last = await appendAll(h.eventStore, [
      started('c1', ['alice', 'bob']),
      sent('c1', 1, 'alice'),
    ]);
    await waitFor(() => projector.lastAppliedPosition === last);
    await app.close();

    await appendAll(h.eventStore, [sent('c1', 2, 'bob')]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(projector.lastAppliedPosition).toBe(last); // stopped: no longer follows the log
    expect(await h.readModels.getCheckpoint()).toBe(last);
  });
});
