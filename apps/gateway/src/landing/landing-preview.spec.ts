import { BadRequestException } from '@nestjs/common';
import type { LandingPreviewDto } from '@appointments/contracts';
import { landingPreviewCsp, PREVIEW_TOKEN, renderLandingPreview } from './landing-preview';

const buttons = { accept: true, decline: true, reschedule: false, viewDetails: true, addToCalendar: true };

function preview(type: string, configKey = type): LandingPreviewDto {
  return {
    configKey,
    template: {
      name: 'Site visit',
      titlePattern: '[{status}] Site visit with {customerName}',
      customerTitle: 'Your Appointment with Acme',
      notificationConfigs: [
        {
          key: type,
          type,
          channelMode: 'email',
          emailSubject: 'Hi',
          emailBody: '<p>Hi</p>',
          buttons,
          landing: { subtitle: 'We look forward to it' },
        },
      ],
    },
  } as unknown as LandingPreviewDto;
}

const ORGANIZER = { name: 'Dana Staff', email: 'dana@example.com' };

describe('renderLandingPreview', () => {
  it('renders the landing page of the config for a sample event, with its buttons, posting nowhere', () => {
    const { html, nonce } = renderLandingPreview(preview('rsvp_request'), ORGANIZER, new Date('2027-01-10T12:00:00Z'));
    expect(html).toContain('Your Appointment with Acme');
    expect(html).toContain('We look forward to it');
    expect(html).toContain('Tuesday, January 12, 2027');
    expect(html).toContain('123 Main St, Springfield');
    expect(html).toContain('Dana Staff');
    expect(html).toMatch(/<button[^>]*>[^<]*Accept/i);
    expect(html).toContain(`/m/${PREVIEW_TOKEN}/accept`);
    expect(html).toMatch(
      /^<!doctype html>[\s\S]*<head><meta http-equiv="Content-Security-Policy" content="form-action 'none'; base-uri 'none'">/i,
    );
    expect(html).toContain(`nonce="${nonce}"`);
    expect(html).not.toMatch(/<script/i);
  });

  it('shows a cancellation as cancelled, without buttons', () => {
    const { html } = renderLandingPreview(preview('cancellation'), ORGANIZER);
    expect(html).toContain('This meeting was cancelled.');
    expect(html).not.toContain('/accept');
  });

  it('refuses a configKey the template does not have (400 naming the keys)', () => {
    expect(() => renderLandingPreview(preview('confirmation', 'reminder'), ORGANIZER)).toThrow(BadRequestException);
    expect(() => renderLandingPreview(preview('confirmation', 'reminder'), ORGANIZER)).toThrow(/\(confirmation\)/);
  });

  it('has a CSP for a sandboxed document framed by the app only', () => {
    expect(landingPreviewCsp('abc')).toBe(
      "default-src 'none'; style-src 'nonce-abc'; img-src 'self' https: data:; form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox",
    );
  });
});
