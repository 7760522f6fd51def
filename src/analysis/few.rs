//! `Few`: a list that keeps up to two items in place, for the per-statement lists of the facts
//! (URIs, option items, destination lists): the usual statement has one or two of each, and a
//! heap allocation per list per statement was a tenth of the facts' cost. An enum of arrays (not
//! `smallvec`) so that, like `Vec`, it stays covariant: facts borrowing a longer-lived tree pass
//! where shorter-lived ones are expected.

/// Up to two items in place, more on the heap. Reads as a slice. (A plain tag: reading it as a
/// slice, which the rules do all the time, was a tenth of the facts' cost with the tag folded
/// into the items' spare bits.)
#[derive(Clone, Debug, Default)]
#[repr(u8)]
pub enum Few<T> {
    #[default]
    Empty,
    One([T; 1]),
    Two([T; 2]),
    Many(Vec<T>),
}

impl<T> Few<T> {
    pub const fn new() -> Self {
        Few::Empty
    }

    pub fn push(&mut self, item: T) {
        // In place when empty or on the heap (no move of the whole list).
        match self {
            Few::Many(v) => {
                v.push(item);
                return;
            }
            Few::Empty => {
                *self = Few::One([item]);
                return;
            }
            Few::One(_) | Few::Two(_) => {}
        }
        *self = match std::mem::take(self) {
            Few::Empty => Few::One([item]),
            Few::One([a]) => Few::Two([a, item]),
            Few::Two([a, b]) => Few::Many(vec![a, b, item]),
            Few::Many(mut v) => {
                v.push(item);
                Few::Many(v)
            }
        };
    }

    pub fn as_slice(&self) -> &[T] {
        match self {
            Few::Empty => &[],
            Few::One(a) => a,
            Few::Two(a) => a,
            Few::Many(v) => v,
        }
    }

    pub fn as_mut_slice(&mut self) -> &mut [T] {
        match self {
            Few::Empty => &mut [],
            Few::One(a) => a,
            Few::Two(a) => a,
            Few::Many(v) => v,
        }
    }

    pub fn into_vec(self) -> Vec<T> {
        match self {
            Few::Empty => Vec::new(),
            Few::One(a) => a.into(),
            Few::Two(a) => a.into(),
            Few::Many(v) => v,
        }
    }
}

impl<T> std::ops::Deref for Few<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> std::ops::DerefMut for Few<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<T> Extend<T> for Few<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.push(item);
        }
    }
}

impl<T> FromIterator<T> for Few<T> {
    /// Each item is moved into place once (`push` moves the items held so far).
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut items = items.into_iter();
        let Some(a) = items.next() else {
            return Few::Empty;
        };
        let Some(b) = items.next() else {
            return Few::One([a]);
        };
        let Some(c) = items.next() else {
            return Few::Two([a, b]);
        };
        let mut v = Vec::with_capacity(3 + items.size_hint().0);
        v.extend([a, b, c]);
        v.extend(items);
        Few::Many(v)
    }
}

impl<'a, T> IntoIterator for &'a Few<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut Few<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// The items of a `Few`, moved out in order.
pub enum IntoIter<T> {
    One(std::array::IntoIter<T, 1>),
    Two(std::array::IntoIter<T, 2>),
    Many(std::vec::IntoIter<T>),
}

impl<T> Iterator for IntoIter<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        match self {
            IntoIter::One(i) => i.next(),
            IntoIter::Two(i) => i.next(),
            IntoIter::Many(i) => i.next(),
        }
    }
}

impl<T> IntoIterator for Few<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;

    fn into_iter(self) -> IntoIter<T> {
        match self {
            Few::Empty => IntoIter::Many(Vec::new().into_iter()),
            Few::One(a) => IntoIter::One(a.into_iter()),
            Few::Two(a) => IntoIter::Two(a.into_iter()),
            Few::Many(v) => IntoIter::Many(v.into_iter()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Few;

    #[test]
    fn keeps_every_item_in_order() {
        for n in 0..6 {
            let few: Few<usize> = (0..n).collect();
            assert_eq!(few.as_slice(), (0..n).collect::<Vec<_>>().as_slice());
            assert_eq!(
                few.clone().into_iter().collect::<Vec<_>>(),
                (0..n).collect::<Vec<_>>()
            );
            assert_eq!(few.into_vec(), (0..n).collect::<Vec<_>>());
        }
    }
}
