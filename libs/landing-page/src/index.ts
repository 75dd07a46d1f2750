export { sanitiseCustomCss, MAX_CUSTOM_CSS_LENGTH } from './custom-css';
export type { SanitisedCss } from './custom-css';
export { renderLandingPage, renderRescheduleConfirmationPage, renderErrorPage, answerOf, ERROR_PAGE_STATUS } from './pages';
export type {
  CsrfField,
  ErrorPageOptions,
  LandingConfig,
  LandingErrorKind,
  LandingEvent,
  LandingOrganizer,
  LandingTexts,
  LandingView,
  PageFrame,
  RenderedPage,
  RescheduleConfirmationView,
} from './landing-view';
export { landingPath, responsePath, calendarFilePath, pathAfterResponse, readResponseType } from './landing-paths';
export {
  DEFAULT_STATUS_MESSAGES,
  DEFAULT_CTA_TEXT,
  DEFAULT_CHANGE_ANSWER_TEXT,
  DEFAULT_CONFIRM_RESCHEDULE_LABEL,
  MAX_REASON_LENGTH,
  REASON_LABELS,
} from './landing-texts';
export { BASE_STYLESHEET } from './base-stylesheet';
export { escapeHtml } from './html';
