import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OutboxConfigurationError } from '../errors/outbox-configuration.error';
import { OutboxNotInitializedError } from '../errors/outbox-not-initialized.error';
import { Transactional } from './transactional.decorator';

const Tagged = (value: string) => SetMetadata('test:tag', value);

class Dto {}

class Service {
  calls = 0;

  @Tagged('metadata-above')
  @Transactional()
  async metadataAbove(_dto: Dto): Promise<void> {}

  @Transactional()
  @Tagged('transactional-above')
  async transactionalAbove(_dto: Dto): Promise<void> {}

  @Transactional()
  async counted(): Promise<void> {
    this.calls++;
  }
}

@Transactional()
class WholeService {
  @Transactional()
  async alsoOnMethod(): Promise<void> {}
}

describe('@Transactional() as a method wrapper', () => {
  const reflector = new Reflector();

  it.each([
    ['metadataAbove', 'metadata-above'],
    ['transactionalAbove', 'transactional-above'],
  ] as const)('keeps the other decorator metadata on %s', (method, tag) => {
    expect(reflector.get('test:tag', Service.prototype[method])).toBe(tag);
  });

  it('keeps the name and the design:* metadata TypeScript emitted', () => {
    expect(Service.prototype.transactionalAbove.name).toBe('transactionalAbove');
    expect(Reflect.getMetadata('design:paramtypes', Service.prototype, 'transactionalAbove')).toEqual([Dto]);
  });

  it('wraps a method once when both the class and the method carry it', () => {
    // A second wrapper would be a different function with the same name; the first stays.
    const wrapped = WholeService.prototype.alsoOnMethod;
    Transactional()(WholeService);
    expect(WholeService.prototype.alsoOnMethod).toBe(wrapped);
  });

  it('refuses an accessor, naming it', () => {
    const decorate = () => {
      class WithGetter {
        @Transactional()
        get value(): number {
          return 1;
        }
      }
      return WithGetter;
    };
    expect(decorate).toThrow(OutboxConfigurationError);
    expect(decorate).toThrow(/@Transactional\(\) is on WithGetter.value, which is not a method/);
  });

  it('rejects with OutboxNotInitializedError and does not run the method when no OutboxModule is up', async () => {
    const service = new Service();
    await expect(service.counted()).rejects.toThrow(OutboxNotInitializedError);
    expect(service.calls).toBe(0);
  });
});
