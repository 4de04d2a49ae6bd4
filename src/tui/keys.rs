//! Keys are data: one table maps key presses to actions, and the help bar and help screen
//! are generated from it, so what is shown is what works.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    NextPhase,
    PreviousPhase,
    NextField,
    PreviousField,
    Ask,
    FollowUp,
    ChooseShape,
    TogglePause,
    Finish,
    Quit,
    Help,
    /// Hands the focused field to `$VISUAL`/`$EDITOR`.
    ExternalEditor,
    /// Cycles the question pane: a few lines, all of it, one line.
    TogglePrompt,
    /// Every fact the interviewer has given, in full.
    ShowFacts,
    ConversationUp,
    ConversationDown,
    ConversationPageUp,
    ConversationPageDown,
}

pub struct Binding {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
    pub action: Action,
    /// As shown to the user.
    pub keys: &'static str,
    pub label: &'static str,
    /// How the one-line help bar shows it, if it does (the rest only on the help screen).
    pub bar: Option<&'static str>,
}

const fn key(
    code: KeyCode,
    modifiers: KeyModifiers,
    action: Action,
    keys: &'static str,
    label: &'static str,
) -> Binding {
    Binding {
        code,
        modifiers,
        action,
        keys,
        label,
        bar: None,
    }
}

const fn ctrl(c: char, action: Action, keys: &'static str, label: &'static str) -> Binding {
    key(KeyCode::Char(c), KeyModifiers::CONTROL, action, keys, label)
}

const fn in_bar(binding: Binding, bar: &'static str) -> Binding {
    Binding {
        bar: Some(bar),
        ..binding
    }
}

/// The interview screen's keys, in the order the help bar and help screen list them.
/// Control keys win over the editor's own bindings.
pub const INTERVIEW_KEYS: &[Binding] = &[
    in_bar(
        key(KeyCode::F(1), KeyModifiers::NONE, Action::Help, "F1", "all keys"),
        "F1 keys",
    ),
    in_bar(ctrl('n', Action::NextPhase, "^N", "next phase"), "^N/^P phase"),
    ctrl('p', Action::PreviousPhase, "^P", "previous phase"),
    in_bar(
        key(KeyCode::Tab, KeyModifiers::NONE, Action::NextField, "Tab", "next field"),
        "Tab field",
    ),
    in_bar(ctrl('o', Action::Ask, "^O", "ask the interviewer"), "^O ask"),
    in_bar(
        ctrl('e', Action::ExternalEditor, "^E", "this field in your $EDITOR"),
        "^E editor",
    ),
    in_bar(ctrl('x', Action::Finish, "^X", "finish and grade"), "^X finish"),
    in_bar(ctrl('c', Action::Quit, "^C", "save & quit"), "^C quit"),
    in_bar(
        key(
            KeyCode::F(2),
            KeyModifiers::NONE,
            Action::TogglePrompt,
            "F2",
            "question: short, full, one line",
        ),
        "F2 question",
    ),
    in_bar(
        key(
            KeyCode::F(3),
            KeyModifiers::NONE,
            Action::ShowFacts,
            "F3",
            "every fact so far, in full",
        ),
        "F3 facts",
    ),
    in_bar(
        ctrl('t', Action::TogglePause, "^T", "pause / resume the clock"),
        "^T pause",
    ),
    in_bar(
        key(
            KeyCode::Up,
            KeyModifiers::ALT,
            Action::ConversationUp,
            "M-↑",
            "scroll the conversation up",
        ),
        "M-↑↓ conversation",
    ),
    key(
        KeyCode::Down,
        KeyModifiers::ALT,
        Action::ConversationDown,
        "M-↓",
        "scroll the conversation down",
    ),
    key(
        KeyCode::PageUp,
        KeyModifiers::ALT,
        Action::ConversationPageUp,
        "M-PgUp",
        "conversation: a page up",
    ),
    key(
        KeyCode::PageDown,
        KeyModifiers::ALT,
        Action::ConversationPageDown,
        "M-PgDn",
        "conversation: a page down",
    ),
    key(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
        Action::PreviousField,
        "S-Tab",
        "previous field",
    ),
    ctrl('f', Action::FollowUp, "^F", "follow-up now"),
    ctrl('s', Action::ChooseShape, "^S", "choose the architecture shape"),
    ctrl('g', Action::Help, "^G", "all keys"),
];

pub fn action_for(key: &KeyEvent) -> Option<Action> {
    INTERVIEW_KEYS
        .iter()
        .find(|b| {
            let code_matches = match (b.code, key.code) {
                (KeyCode::Char(a), KeyCode::Char(k)) => a.eq_ignore_ascii_case(&k),
                (a, k) => a == k,
            };
            code_matches
                && key.modifiers.contains(b.modifiers)
                && (b.modifiers != KeyModifiers::NONE || key.modifiers.is_empty())
        })
        .map(|b| b.action)
}

/// The one-line help bar: the table's bar entries in order, as many as fit in `width`;
/// the rest are on the F1 screen, which the bar always leads with.
pub fn help_bar(width: usize) -> String {
    let mut bar = String::new();
    for part in INTERVIEW_KEYS.iter().filter_map(|b| b.bar) {
        let candidate = if bar.is_empty() {
            part.to_owned()
        } else {
            format!("{bar} · {part}")
        };
        if candidate.chars().count() > width {
            break;
        }
        bar = candidate;
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn control_keys_map_to_actions_and_plain_keys_do_not() {
        assert_eq!(
            action_for(&key(KeyCode::Char('n'), KeyModifiers::CONTROL)),
            Some(Action::NextPhase)
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('x'), KeyModifiers::CONTROL)),
            Some(Action::Finish)
        );
        assert_eq!(
            action_for(&key(KeyCode::Tab, KeyModifiers::NONE)),
            Some(Action::NextField)
        );
        assert_eq!(
            action_for(&key(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PreviousField)
        );
        assert_eq!(action_for(&key(KeyCode::Char('n'), KeyModifiers::NONE)), None);
        assert_eq!(action_for(&key(KeyCode::Char('x'), KeyModifiers::SHIFT)), None);
    }

    #[test]
    fn every_bar_entry_is_shown_when_there_is_room_and_help_always_is() {
        let bar = help_bar(200);
        for part in INTERVIEW_KEYS.iter().filter_map(|b| b.bar) {
            assert!(bar.contains(part), "{bar}");
        }
        let narrow = help_bar(80);
        assert!(narrow.chars().count() <= 80, "{narrow}");
        assert!(narrow.starts_with("F1 keys"), "{narrow}");
        // At 80 columns the keys a candidate needs every minute all fit.
        for needed in [
            "^N/^P phase",
            "Tab field",
            "^O ask",
            "^E editor",
            "^X finish",
            "^C quit",
        ] {
            assert!(narrow.contains(needed), "{needed} missing from {narrow}");
        }
    }

    #[test]
    fn no_two_bindings_share_a_key() {
        for (i, a) in INTERVIEW_KEYS.iter().enumerate() {
            for b in &INTERVIEW_KEYS[i + 1..] {
                assert!(
                    !(a.code == b.code && a.modifiers == b.modifiers),
                    "{} and {} share a key",
                    a.keys,
                    b.keys
                );
            }
        }
    }

    #[test]
    fn alt_arrows_scroll_the_conversation_and_plain_arrows_do_not() {
        assert_eq!(
            action_for(&key(KeyCode::Up, KeyModifiers::ALT)),
            Some(Action::ConversationUp)
        );
        assert_eq!(action_for(&key(KeyCode::Up, KeyModifiers::NONE)), None);
        assert_eq!(
            action_for(&key(KeyCode::Char('e'), KeyModifiers::CONTROL)),
            Some(Action::ExternalEditor)
        );
    }
}
