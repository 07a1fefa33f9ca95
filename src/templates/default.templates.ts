import type { TemplateSet } from './template.catalog';

/**
 * Templates the hub ships with: the case events seed 001 asks citizens to be told about, and the
 * bot's own answers. A tenant's configuration overrides any of them by id.
 */
export const DEFAULT_TEMPLATES: TemplateSet = {
  'appeal.registered': {
    sms: {
      uk: 'Звернення {{caseRef}} зареєстровано за № {{registrationNumber}} від {{registeredAt}}. {{tenantName}}',
      ru: 'Обращение {{caseRef}} зарегистрировано под № {{registrationNumber}} от {{registeredAt}}. {{tenantName}}',
      en: 'Your appeal {{caseRef}} was registered as No. {{registrationNumber}} on {{registeredAt}}. {{tenantName}}',
    },
    messenger: {
      uk: '✅ Ваше звернення {{caseRef}} зареєстровано.\nРеєстраційний № {{registrationNumber}} від {{registeredAt}}.\n{{tenantName}}',
      ru: '✅ Ваше обращение {{caseRef}} зарегистрировано.\nРегистрационный № {{registrationNumber}} от {{registeredAt}}.\n{{tenantName}}',
      en: '✅ Your appeal {{caseRef}} has been registered.\nRegistration No. {{registrationNumber}} of {{registeredAt}}.\n{{tenantName}}',
    },
    email: {
      uk: {
        subject: 'Звернення {{caseRef}} зареєстровано',
        text: 'Доброго дня!\n\nВаше звернення {{caseRef}} зареєстровано за № {{registrationNumber}} від {{registeredAt}}.\n\n{{tenantName}}',
        html: '<p>Доброго дня!</p><p>Ваше звернення <b>{{caseRef}}</b> зареєстровано за № {{registrationNumber}} від {{registeredAt}}.</p><p>{{tenantName}}</p>',
      },
      ru: {
        subject: 'Обращение {{caseRef}} зарегистрировано',
        text: 'Здравствуйте!\n\nВаше обращение {{caseRef}} зарегистрировано под № {{registrationNumber}} от {{registeredAt}}.\n\n{{tenantName}}',
        html: '<p>Здравствуйте!</p><p>Ваше обращение <b>{{caseRef}}</b> зарегистрировано под № {{registrationNumber}} от {{registeredAt}}.</p><p>{{tenantName}}</p>',
      },
      en: {
        subject: 'Appeal {{caseRef}} registered',
        text: 'Hello,\n\nyour appeal {{caseRef}} was registered as No. {{registrationNumber}} on {{registeredAt}}.\n\n{{tenantName}}',
        html: '<p>Hello,</p><p>your appeal <b>{{caseRef}}</b> was registered as No. {{registrationNumber}} on {{registeredAt}}.</p><p>{{tenantName}}</p>',
      },
    },
  },
  'appeal.status-changed': {
    sms: {
      uk: 'Звернення {{caseRef}}: {{status}}.{{#comment}} {{comment}}{{/comment}}',
      ru: 'Обращение {{caseRef}}: {{status}}.{{#comment}} {{comment}}{{/comment}}',
      en: 'Appeal {{caseRef}}: {{status}}.{{#comment}} {{comment}}{{/comment}}',
    },
    messenger: {
      uk: 'ℹ️ Звернення {{caseRef}}: {{status}}.{{#comment}}\n{{comment}}{{/comment}}',
      ru: 'ℹ️ Обращение {{caseRef}}: {{status}}.{{#comment}}\n{{comment}}{{/comment}}',
      en: 'ℹ️ Appeal {{caseRef}}: {{status}}.{{#comment}}\n{{comment}}{{/comment}}',
    },
    email: {
      uk: { subject: 'Звернення {{caseRef}}: {{status}}', text: 'Статус звернення {{caseRef}}: {{status}}.{{#comment}}\n\n{{comment}}{{/comment}}\n\n{{tenantName}}' },
      ru: { subject: 'Обращение {{caseRef}}: {{status}}', text: 'Статус обращения {{caseRef}}: {{status}}.{{#comment}}\n\n{{comment}}{{/comment}}\n\n{{tenantName}}' },
      en: { subject: 'Appeal {{caseRef}}: {{status}}', text: 'The status of appeal {{caseRef}} is now: {{status}}.{{#comment}}\n\n{{comment}}{{/comment}}\n\n{{tenantName}}' },
    },
  },
  'appeal.answered': {
    sms: {
      uk: 'На звернення {{caseRef}} надано відповідь. Текст відповіді - в особистому кабінеті. {{tenantName}}',
      ru: 'На обращение {{caseRef}} дан ответ. Текст ответа - в личном кабинете. {{tenantName}}',
      en: 'Your appeal {{caseRef}} has been answered. The answer is in your cabinet. {{tenantName}}',
    },
    messenger: {
      uk: '📨 Відповідь на звернення {{caseRef}}:\n\n{{answerText}}\n\n{{tenantName}}',
      ru: '📨 Ответ на обращение {{caseRef}}:\n\n{{answerText}}\n\n{{tenantName}}',
      en: '📨 The answer to your appeal {{caseRef}}:\n\n{{answerText}}\n\n{{tenantName}}',
    },
    email: {
      uk: {
        subject: 'Відповідь на звернення {{caseRef}}',
        text: 'Доброго дня!\n\nВідповідь на ваше звернення {{caseRef}}:\n\n{{answerText}}\n\n{{tenantName}}',
        html: '<p>Доброго дня!</p><p>Відповідь на ваше звернення <b>{{caseRef}}</b>:</p><blockquote>{{answerText}}</blockquote><p>{{tenantName}}</p>',
      },
      ru: {
        subject: 'Ответ на обращение {{caseRef}}',
        text: 'Здравствуйте!\n\nОтвет на ваше обращение {{caseRef}}:\n\n{{answerText}}\n\n{{tenantName}}',
        html: '<p>Здравствуйте!</p><p>Ответ на ваше обращение <b>{{caseRef}}</b>:</p><blockquote>{{answerText}}</blockquote><p>{{tenantName}}</p>',
      },
      en: {
        subject: 'Answer to your appeal {{caseRef}}',
        text: 'Hello,\n\nthe answer to your appeal {{caseRef}}:\n\n{{answerText}}\n\n{{tenantName}}',
        html: '<p>Hello,</p><p>the answer to your appeal <b>{{caseRef}}</b>:</p><blockquote>{{answerText}}</blockquote><p>{{tenantName}}</p>',
      },
    },
  },
  'application.registered': {
    messenger: {
      uk: '✅ Вашу заявку {{caseRef}} зареєстровано.\nРеєстраційний № {{registrationNumber}} від {{registeredAt}}.\n{{tenantName}}',
      ru: '✅ Ваша заявка {{caseRef}} зарегистрирована.\nРегистрационный № {{registrationNumber}} от {{registeredAt}}.\n{{tenantName}}',
      en: '✅ Your application {{caseRef}} has been registered.\nRegistration No. {{registrationNumber}} of {{registeredAt}}.\n{{tenantName}}',
    },
    sms: {
      uk: 'Заявку {{caseRef}} зареєстровано за № {{registrationNumber}} від {{registeredAt}}. {{tenantName}}',
      ru: 'Заявка {{caseRef}} зарегистрирована под № {{registrationNumber}} от {{registeredAt}}. {{tenantName}}',
      en: 'Application {{caseRef}} was registered as No. {{registrationNumber}} on {{registeredAt}}. {{tenantName}}',
    },
    email: {
      uk: { subject: 'Заявку {{caseRef}} зареєстровано', text: 'Вашу заявку {{caseRef}} зареєстровано за № {{registrationNumber}} від {{registeredAt}}.\n\n{{tenantName}}' },
      ru: { subject: 'Заявка {{caseRef}} зарегистрирована', text: 'Ваша заявка {{caseRef}} зарегистрирована под № {{registrationNumber}} от {{registeredAt}}.\n\n{{tenantName}}' },
      en: { subject: 'Application {{caseRef}} registered', text: 'Your application {{caseRef}} was registered as No. {{registrationNumber}} on {{registeredAt}}.\n\n{{tenantName}}' },
    },
  },
  'application.status-changed': {
    messenger: {
      uk: 'ℹ️ Заявка {{caseRef}}: {{status}} ({{changedAt}}).{{#comment}}\n{{comment}}{{/comment}}\n{{tenantName}}',
      ru: 'ℹ️ Заявка {{caseRef}}: {{status}} ({{changedAt}}).{{#comment}}\n{{comment}}{{/comment}}\n{{tenantName}}',
      en: 'ℹ️ Application {{caseRef}}: {{status}} ({{changedAt}}).{{#comment}}\n{{comment}}{{/comment}}\n{{tenantName}}',
    },
    sms: {
      uk: 'Заявка {{caseRef}}: {{status}}.{{#comment}} {{comment}}{{/comment}}',
      ru: 'Заявка {{caseRef}}: {{status}}.{{#comment}} {{comment}}{{/comment}}',
      en: 'Application {{caseRef}}: {{status}}.{{#comment}} {{comment}}{{/comment}}',
    },
    email: {
      uk: { subject: 'Заявка {{caseRef}}: {{status}}', text: 'Статус заявки {{caseRef}}: {{status}}.{{#comment}}\n\n{{comment}}{{/comment}}\n\n{{tenantName}}' },
      ru: { subject: 'Заявка {{caseRef}}: {{status}}', text: 'Статус заявки {{caseRef}}: {{status}}.{{#comment}}\n\n{{comment}}{{/comment}}\n\n{{tenantName}}' },
      en: { subject: 'Application {{caseRef}}: {{status}}', text: 'The status of application {{caseRef}} is now: {{status}}.{{#comment}}\n\n{{comment}}{{/comment}}\n\n{{tenantName}}' },
    },
  },
  'application.rejected': {
    sms: {
      uk: 'Заявку {{caseRef}} відхилено.{{#comment}} Причина: {{comment}}{{/comment}} {{tenantName}}',
      ru: 'Заявка {{caseRef}} отклонена.{{#comment}} Причина: {{comment}}{{/comment}} {{tenantName}}',
      en: 'Application {{caseRef}} was rejected.{{#comment}} Reason: {{comment}}{{/comment}} {{tenantName}}',
    },
    messenger: {
      uk: '❌ Заявку {{caseRef}} відхилено {{changedAt}}.{{#comment}}\nПричина: {{comment}}{{/comment}}\n{{tenantName}}',
      ru: '❌ Заявка {{caseRef}} отклонена {{changedAt}}.{{#comment}}\nПричина: {{comment}}{{/comment}}\n{{tenantName}}',
      en: '❌ Application {{caseRef}} was rejected on {{changedAt}}.{{#comment}}\nReason: {{comment}}{{/comment}}\n{{tenantName}}',
    },
    email: {
      uk: { subject: 'Заявку {{caseRef}} відхилено', text: 'Доброго дня!\n\nВашу заявку {{caseRef}} відхилено {{changedAt}}.{{#comment}}\n\nПричина: {{comment}}{{/comment}}\n\n{{tenantName}}' },
      ru: { subject: 'Заявка {{caseRef}} отклонена', text: 'Здравствуйте!\n\nВаша заявка {{caseRef}} отклонена {{changedAt}}.{{#comment}}\n\nПричина: {{comment}}{{/comment}}\n\n{{tenantName}}' },
      en: {
        subject: 'Application {{caseRef}} rejected',
        text: 'Hello,\n\nyour application {{caseRef}} was rejected on {{changedAt}}.{{#comment}}\n\nReason: {{comment}}{{/comment}}\n\n{{tenantName}}',
      },
    },
  },
  'application.document-added': {
    sms: {
      uk: 'Заявка {{caseRef}}: надіслано документ «{{documentKind}}». Він у вашому кабінеті. {{tenantName}}',
      ru: 'Заявка {{caseRef}}: направлен документ «{{documentKind}}». Он в вашем кабинете. {{tenantName}}',
      en: 'Application {{caseRef}}: a document ({{documentKind}}) was sent to you. It is in your cabinet. {{tenantName}}',
    },
    messenger: {
      uk: '📎 Заявка {{caseRef}}: {{documentKind}} «{{documentName}}» від {{addedAt}}. Документ у вашому кабінеті.\n{{tenantName}}',
      ru: '📎 Заявка {{caseRef}}: {{documentKind}} «{{documentName}}» от {{addedAt}}. Документ в вашем кабинете.\n{{tenantName}}',
      en: '📎 Application {{caseRef}}: {{documentKind}} "{{documentName}}" of {{addedAt}}. The document is in your cabinet.\n{{tenantName}}',
    },
    email: {
      uk: {
        subject: 'Заявка {{caseRef}}: {{documentKind}}',
        text: 'Доброго дня!\n\nЗа вашою заявкою {{caseRef}} надіслано документ: {{documentKind}} «{{documentName}}» ({{addedAt}}). Документ доступний у вашому кабінеті.\n\n{{tenantName}}',
      },
      ru: {
        subject: 'Заявка {{caseRef}}: {{documentKind}}',
        text: 'Здравствуйте!\n\nПо вашей заявке {{caseRef}} направлен документ: {{documentKind}} «{{documentName}}» ({{addedAt}}). Документ доступен в вашем кабинете.\n\n{{tenantName}}',
      },
      en: {
        subject: 'Application {{caseRef}}: {{documentKind}}',
        text: 'Hello,\n\na document was sent for your application {{caseRef}}: {{documentKind}} "{{documentName}}" ({{addedAt}}). It is available in your cabinet.\n\n{{tenantName}}',
      },
    },
  },
  'bot.linked': {
    messenger: {
      uk: 'Готово! Цей чат підключено до вашого кабінету ({{tenantName}}). Тут ви отримуватимете повідомлення про ваші звернення. Напишіть /status, щоб дізнатися їхній стан.',
      ru: 'Готово! Этот чат подключён к вашему кабинету ({{tenantName}}). Здесь вы будете получать уведомления о ваших обращениях. Напишите /status, чтобы узнать их состояние.',
      en: 'Done! This chat is now linked to your cabinet ({{tenantName}}). You will get updates on your appeals here. Send /status to see where they stand.',
    },
  },
  'bot.link-invalid': {
    messenger: {
      uk: 'Посилання недійсне або застаріло. Відкрийте особистий кабінет і підключіть месенджер ще раз.',
      ru: 'Ссылка недействительна или устарела. Откройте личный кабинет и подключите мессенджер ещё раз.',
      en: 'This link is invalid or has expired. Open your cabinet and link the messenger again.',
    },
  },
  'bot.help': {
    messenger: {
      uk: 'Щоб отримувати повідомлення, підключіть цей чат в особистому кабінеті. Команди: /status — стан ваших звернень.',
      ru: 'Чтобы получать уведомления, подключите этот чат в личном кабинете. Команды: /status — состояние ваших обращений.',
      en: 'To get notifications, link this chat in your cabinet. Commands: /status — where your appeals stand.',
    },
  },
  'bot.status': {
    messenger: {
      uk: 'Ваші звернення та заявки:\n{{cases}}',
      ru: 'Ваши обращения и заявки:\n{{cases}}',
      en: 'Your appeals and applications:\n{{cases}}',
    },
  },
  'bot.no-cases': {
    messenger: {
      uk: 'У вас поки немає звернень або заявок.',
      ru: 'У вас пока нет обращений или заявок.',
      en: 'You have no appeals or applications yet.',
    },
  },
  // The notice of an extension the law requires (UA «Про звернення громадян» Art. 20, RU 59-ФЗ Art. 12 Part 2).
  'deadline.extended': {
    sms: {
      uk: 'Строк розгляду звернення {{caseRef}} продовжено до {{dueDate}}. Причина - в особистому кабінеті. {{tenantName}}',
      ru: 'Срок рассмотрения обращения {{caseRef}} продлён до {{dueDate}}. Причина - в личном кабинете. {{tenantName}}',
      en: 'The term for your appeal {{caseRef}} was extended to {{dueDate}}. The reason is in your cabinet. {{tenantName}}',
    },
    messenger: {
      uk: '⏳ Строк розгляду звернення {{caseRef}} продовжено з {{previousDueDate}} до {{dueDate}}.\nПричина: {{reason}}\n{{tenantName}}',
      ru: '⏳ Срок рассмотрения обращения {{caseRef}} продлён с {{previousDueDate}} до {{dueDate}}.\nПричина: {{reason}}\n{{tenantName}}',
      en: '⏳ The term for your appeal {{caseRef}} was extended from {{previousDueDate}} to {{dueDate}}.\nReason: {{reason}}\n{{tenantName}}',
    },
    email: {
      uk: {
        subject: 'Строк розгляду звернення {{caseRef}} продовжено',
        text: 'Доброго дня!\n\nСтрок розгляду Вашого звернення {{caseRef}} продовжено з {{previousDueDate}} до {{dueDate}}.\nПричина: {{reason}}\n\n{{tenantName}}',
      },
      ru: {
        subject: 'Срок рассмотрения обращения {{caseRef}} продлён',
        text: 'Здравствуйте!\n\nСрок рассмотрения Вашего обращения {{caseRef}} продлён с {{previousDueDate}} до {{dueDate}}.\nПричина: {{reason}}\n\n{{tenantName}}',
      },
      en: {
        subject: 'The term for appeal {{caseRef}} was extended',
        text: 'Hello,\n\nthe term for your appeal {{caseRef}} was extended from {{previousDueDate}} to {{dueDate}}.\nReason: {{reason}}\n\n{{tenantName}}',
      },
    },
  },
};
