// UXP's built-in Spectrum widgets, as JSX elements. Attributes are passed through to the custom elements.
import 'react';

type SpAttributes = React.HTMLAttributes<HTMLElement> & React.RefAttributes<HTMLElement> & {
  [attribute: string]: unknown;
};

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'sp-button': SpAttributes;
      'sp-action-button': SpAttributes;
      'sp-checkbox': SpAttributes;
      'sp-picker': SpAttributes;
      'sp-menu': SpAttributes;
      'sp-menu-item': SpAttributes;
      'sp-slider': SpAttributes;
      'sp-progressbar': SpAttributes;
      'sp-detail': SpAttributes;
      'sp-body': SpAttributes;
      'sp-divider': SpAttributes;
      'sp-label': SpAttributes;
    }
  }
}
