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
}

pub struct Binding {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
    pub action: Action,
    /// As shown to the user.
    pub keys: &'static str,
    pub label: &'static str,
    /// Shown in the one-line help bar (the rest only on the help screen).
    pub in_bar: bool,
}

const fn ctrl(c: char, action: Action, keys: &'static str, label: &'static str, in_bar: bool) -> Binding {
    Binding {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
        action,
        keys,
        label,
        in_bar,
    }
}

/// The interview screen's keys. Control keys win over the editor's own bindings.
pub const INTERVIEW_KEYS: &[Binding] = &[
    Binding {
        code: KeyCode::F(1),
        modifiers: KeyModifiers::NONE,
        action: Action::Help,
        keys: "F1",
        label: "help",
        in_bar: true,
    },
    ctrl('n', Action::NextPhase, "^N", "next phase", true),
    ctrl('p', Action::PreviousPhase, "^P", "prev phase", true),
    ctrl('o', Action::Ask, "^O", "ask", true),
    ctrl('x', Action::Finish, "^X", "finish", true),
    ctrl('c', Action::Quit, "^C", "save & quit", true),
    Binding {
        code: KeyCode::Tab,
        modifiers: KeyModifiers::NONE,
        action: Action::NextField,
        keys: "Tab",
        label: "next field",
        in_bar: true,
    },
    ctrl('t', Action::TogglePause, "^T", "pause", true),
    Binding {
        code: KeyCode::BackTab,
        modifiers: KeyModifiers::SHIFT,
        action: Action::PreviousField,
        keys: "S-Tab",
        label: "previous field",
        in_bar: false,
    },
    ctrl('f', Action::FollowUp, "^F", "follow-up now", false),
    ctrl('s', Action::ChooseShape, "^S", "choose the architecture shape", false),
    ctrl('g', Action::Help, "^G", "help", false),
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

/// The one-line help bar: the table's bar entries in order, as many as fit in `width`.
pub fn help_bar(width: usize) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    for b in INTERVIEW_KEYS.iter().filter(|b| b.in_bar) {
        if seen.contains(&b.action) {
            continue;
        }
        seen.push(b.action);
        parts.push(format!("{} {}", b.keys, b.label));
    }
    parts.push("?line+Enter asks".into());
    let mut bar = String::new();
    for part in parts {
        let candidate = if bar.is_empty() {
            part.clone()
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
        for b in INTERVIEW_KEYS.iter().filter(|b| b.in_bar) {
            assert!(bar.contains(b.label), "{bar}");
        }
        let narrow = help_bar(80);
        assert!(narrow.chars().count() <= 80, "{narrow}");
        assert!(narrow.starts_with("F1 help"), "{narrow}");
    }
}
