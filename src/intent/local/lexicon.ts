/**
 * A small English concept lexicon for common chatbot domains.
 *
 * Why: an intent block has a description and 2-4 examples, so most words users type are unseen
 * ("umbrella" for weather, "airfare" for travel). Mapping related words to a shared concept token
 * lets "do I need an umbrella" meet "will it rain tomorrow" on the concept `weather`.
 *
 * This is generic domain knowledge (a thesaurus of chatbot topics), not a list of test sentences.
 * Entries are lower-case words in any inflection (matched against both the surface form and wink's
 * lemma) or multi-word phrases (matched on lemma or surface sequences; a phrase consumes its words).
 * A word may belong to several concepts; inverse document frequency across the block's intents
 * decides how much each one counts.
 */
export const CONCEPTS: Readonly<Record<string, readonly string[]>> = {
  // ---- weather -------------------------------------------------------------------------------
  weather: [
    'weather', 'forecast', 'meteo', 'climate', 'rain', 'rainy', 'raining', 'rainfall', 'drizzle', 'shower',
    'showers', 'downpour', 'umbrella', 'raincoat', 'wet', 'snow', 'snowy', 'snowing', 'snowfall', 'sleet',
    'hail', 'blizzard', 'storm', 'stormy', 'thunder', 'thunderstorm', 'lightning', 'wind', 'windy', 'breeze',
    'breezy', 'gust', 'gale', 'cloud', 'cloudy', 'overcast', 'fog', 'foggy', 'mist', 'misty', 'haze', 'smog',
    'sun', 'sunny', 'sunshine', 'sunscreen', 'hot', 'cold', 'warm', 'cool', 'chilly', 'freezing', 'frost',
    'frosty', 'icy', 'heat', 'heatwave', 'humid', 'humidity', 'temperature', 'degree', 'celsius',
    'fahrenheit', 'tornado', 'hurricane', 'typhoon', 'flood', 'uv', 'pollen', 'jacket', 'coat', 'scarf',
    'outside', 'outdoors', 'sky', 'clear sky', 'blue sky', 'weather report',
  ],
  // ---- dates and times -----------------------------------------------------------------------
  date: [
    'today', 'tomorrow', 'tonight', 'yesterday', 'weekend', 'week', 'weekday', 'morning', 'afternoon',
    'evening', 'night', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
    'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october',
    'november', 'december', 'month', 'next week', 'this week', 'later today',
  ],
  // ---- travel --------------------------------------------------------------------------------
  travel: [
    'travel', 'traveling', 'travelling', 'trip', 'journey', 'holiday', 'vacation', 'getaway', 'tour',
    'tourism', 'tourist', 'cruise', 'flight', 'fly', 'plane', 'airplane', 'aeroplane', 'airline', 'airfare',
    'airport', 'boarding', 'hotel', 'hostel', 'motel', 'resort', 'inn', 'accommodation', 'lodging',
    'airbnb', 'destination', 'abroad', 'overseas', 'train', 'rail', 'railway', 'ferry', 'coach',
    'car rental', 'rent a car', 'rental car', 'luggage', 'suitcase', 'baggage', 'passport', 'visa',
    'itinerary', 'sightseeing', 'beach', 'excursion', 'backpacking', 'honeymoon', 'city break',
    'package holiday', 'package tour', 'plane ticket', 'return ticket', 'one way', 'round trip',
    'check in', 'check out', 'room', 'suite', 'night stay', 'weekend away', 'go away', 'ski', 'camping',
  ],
  deal: [
    'deal', 'offer', 'discount', 'bargain', 'promotion', 'promo', 'sale', 'special', 'specials', 'cheap',
    'cheapest', 'affordable', 'budget', 'last minute', 'coupon', 'voucher', 'voucher code', 'reduced',
    'savings offer', 'package',
  ],
  price: [
    'price', 'prices', 'pricing', 'cost', 'costs', 'fee', 'fees', 'fare', 'rate', 'rates', 'expensive',
    'cheap', 'affordable', 'how much', 'tariff', 'quote', 'charge',
  ],
  booking: [
    'book', 'booking', 'reserve', 'reservation', 'schedule', 'appointment', 'slot', 'availability',
    'available', 'reschedule',
  ],
  // ---- food and restaurants --------------------------------------------------------------------
  food: [
    'food', 'eat', 'eating', 'meal', 'dinner', 'lunch', 'breakfast', 'brunch', 'supper', 'snack', 'bite',
    'hungry', 'starving', 'starve', 'famished', 'cuisine', 'dish', 'pizza', 'pasta', 'sushi', 'burger',
    'hamburger', 'taco', 'burrito', 'noodle', 'ramen', 'curry', 'steak', 'salad', 'sandwich', 'kebab',
    'soup', 'dumpling', 'fries', 'chips', 'chicken', 'wings', 'seafood', 'fish', 'vegetarian', 'vegan',
    'veggie', 'gluten free', 'dessert', 'cake', 'ice cream', 'coffee', 'tea', 'drink', 'beverage',
    'chinese', 'italian', 'indian', 'thai', 'mexican', 'japanese', 'korean', 'greek', 'tapas',
    'delicious', 'tasty', 'yummy', 'grab a bite', 'calzone', 'margherita', 'pepperoni', 'hawaiian',
    'cheese', 'topping', 'crust', 'slice', 'garlic bread', 'bread', 'sauce', 'soda', 'coke', 'cola',
    'juice', 'beer', 'wine', 'meat', 'bbq', 'barbecue', 'mushroom', 'olive', 'bacon', 'ham',
  ],
  eatery: [
    'restaurant', 'restaurants', 'cafe', 'bistro', 'diner', 'pizzeria', 'steakhouse', 'trattoria',
    'brasserie', 'eatery', 'canteen', 'pub', 'gastropub', 'bar', 'takeaway', 'food truck', 'joint',
    'place to eat', 'somewhere to eat', 'where to eat', 'table', 'dine', 'dining', 'eat out', 'chef',
  ],
  recommend: [
    'recommend', 'recommendation', 'suggest', 'suggestion', 'advice', 'advise', 'tip', 'tips', 'idea',
    'ideas', 'best', 'top rated', 'popular', 'favourite', 'favorite',
  ],
  near: [
    'near', 'nearby', 'nearest', 'closest', 'close by', 'around here', 'near me', 'local', 'locally',
    'neighbourhood', 'neighborhood', 'walking distance', 'in town', 'around the corner',
  ],
  // ---- conversation: goodbye, thanks, greetings, yes/no, help ----------------------------------
  goodbye: [
    'bye', 'goodbye', 'farewell', 'see you', 'see ya', 'see you later', 'see you soon', 'later',
    'goodnight', 'good night', 'have a nice day', 'have a good day', 'have a great day', 'take care',
    'cheers', 'ciao', 'adios', 'talk to you later', 'talk later', 'catch you later', 'have to go',
    'got to go', 'need to go', 'must go', 'gotta go', 'leave', 'leaving', 'exit', 'quit', 'signing off',
    'bye bye', 'byebye', 'end the conversation', 'end the chat', 'end chat',
  ],
  done: [
    'done', 'finished', 'that is all', 'that be all', 'that is it', 'that be it', 'that is everything',
    'that will be all', 'that be everything', 'nothing else', 'nothing more', 'no more', 'all good',
    'all set', 'i am good', 'i be good', 'i am fine', 'no thanks', 'no thank you', 'that is enough',
    'enough', 'nope that is it',
  ],
  thanks: ['thanks', 'thank', 'thank you', 'thankyou', 'cheers', 'appreciate', 'grateful', 'much obliged'],
  greeting: [
    'hi', 'hello', 'hey', 'howdy', 'greetings', 'hiya', 'yo', 'good morning', 'good afternoon',
    'good evening', 'hi there', 'hello there',
  ],
  yes: [
    'yes', 'yeah', 'yep', 'yup', 'sure', 'ok', 'okay', 'alright', 'correct', 'right', 'affirmative',
    'absolutely', 'of course', 'definitely', 'certainly', 'exactly', 'agree', 'confirm', 'sounds good',
    'go ahead', 'please do', 'why not',
  ],
  no: ['no', 'nope', 'nah', 'not really', 'negative', 'no way', 'not at all', 'disagree', 'decline', 'wrong'],
  help: ['help', 'assist', 'assistance', 'support', 'guidance', 'stuck', 'how do i', 'how to', 'question'],
  // ---- people and channels ---------------------------------------------------------------------
  human: [
    'human', 'person', 'people', 'agent', 'operator', 'representative', 'rep', 'staff', 'employee',
    'someone', 'somebody', 'real person', 'live agent', 'live person', 'customer service',
    'customer support', 'support', 'support team', 'manager', 'supervisor', 'advisor', 'adviser', 'consultant',
    'assistant', 'clerk', 'teller', 'banker', 'team',
  ],
  speak: [
    'talk', 'speak', 'chat', 'call', 'phone', 'contact', 'connect', 'reach', 'ring', 'call back',
    'callback', 'get in touch', 'put me through', 'hand over', 'handover', 'escalate',
  ],
  // ---- opening hours and locations -------------------------------------------------------------
  hours: [
    'hour', 'hours', 'open', 'opening', 'opening hours', 'opening times', 'close', 'closing', 'shut',
    'what time', 'business hours', 'office hours', 'holiday hours', 'working hours',
  ],
  location: [
    'location', 'locate', 'located', 'address', 'branch', 'office', 'store', 'shop', 'outlet',
    'headquarters', 'direction', 'directions', 'map', 'postcode', 'zip code', 'where are you',
  ],
  // ---- money, accounts, payments, cards ---------------------------------------------------------
  money: [
    'money', 'cash', 'fund', 'funds', 'dollar', 'euro', 'pound', 'buck', 'bucks', 'quid', 'cent',
    'currency', 'amount', 'sum', 'payment', 'deposit',
  ],
  balance: [
    'balance', 'statement', 'transaction', 'transactions', 'overdraft', 'overdrawn', 'overdraw', 'spend',
    'spending', 'spent', 'summary', 'history', 'rich', 'broke', 'available', 'remaining',
    'salary', 'paycheck', 'wage', 'income', 'savings', 'left', 'bank balance',
  ],
  account: [
    'account', 'savings', 'checking', 'current account', 'bank account', 'savings account',
    'checking account', 'bank',
  ],
  transfer: [
    'transfer', 'send', 'wire', 'remit', 'remittance', 'move money', 'pay', 'payment', 'pay back',
    'repay', 'reimburse', 'settle', 'owe', 'bill', 'invoice', 'iban', 'paypal', 'venmo', 'zelle',
    'standing order', 'direct debit', 'payee', 'beneficiary', 'abroad',
  ],
  card: [
    'card', 'credit card', 'debit card', 'bank card', 'visa', 'mastercard', 'amex', 'pin', 'contactless',
    'chip', 'wallet', 'atm card',
  ],
  block: [
    'block', 'freeze', 'lock', 'deactivate', 'disable', 'suspend', 'cancel card', 'stop card', 'frozen',
  ],
  lost: [
    'lose', 'lost', 'missing', 'misplace', 'misplaced', 'can not find', 'cannot find', 'gone',
    'disappeared', 'steal', 'stolen', 'theft', 'thief', 'rob', 'robbed', 'pickpocket', 'hack',
    'hacked', 'fraud', 'fraudulent', 'unauthorized', 'unauthorised', 'scam', 'compromise', 'compromised',
    'skim', 'did not make', 'not mine', 'suspicious',
  ],
  credentials: [
    'password', 'login', 'log in', 'sign in', 'username', 'user name', 'register', 'sign up', 'profile',
    'reset', 'locked out', 'verification', 'verify', 'two factor', 'email address',
  ],
  // ---- orders, delivery, cancellation, complaints ----------------------------------------------
  order: [
    'order', 'purchase', 'buy', 'checkout', 'cart', 'basket', 'place an order', 'i will have',
    'i would like', 'take away', 'to go', 'add',
  ],
  delivery: [
    'deliver', 'delivery', 'delivered', 'driver', 'courier', 'rider', 'ship', 'shipping', 'shipment',
    'dispatch', 'dispatched', 'parcel', 'package', 'post', 'mail',
  ],
  tracking: [
    'track', 'tracking', 'status', 'arrive', 'arrival', 'arrival time', 'on the way', 'on its way',
    'get here', 'how long', 'how much longer', 'still waiting', 'waiting', 'wait', 'late', 'delay',
    'delayed', 'when will', 'where is', 'left yet', 'coming', 'update', 'progress',
  ],
  cancel: [
    'cancel', 'cancellation', 'call off', 'abort', 'scrap', 'undo', 'revoke', 'withdraw', 'terminate',
    'never mind', 'nevermind', 'change my mind', 'changed my mind', 'forget it', 'forget about',
    'no longer', 'not want', 'do not want', 'stop', 'remove', 'delete', 'unsubscribe', 'drop',
  ],
  complaint: [
    'complain', 'complaint', 'problem', 'issue', 'wrong', 'bad', 'terrible', 'awful', 'horrible',
    'disgusting', 'unacceptable', 'unhappy', 'disappointed', 'disappointing', 'dissatisfied', 'poor',
    'rude', 'burnt', 'burned', 'soggy', 'stale', 'cold', 'broken', 'damaged', 'crushed', 'ruined',
    'spilled', 'raw', 'undercooked', 'overcooked', 'inedible', 'dirty', 'mistake', 'error', 'incorrect',
    'not right', 'worst', 'angry', 'upset', 'furious', 'annoyed', 'refund', 'compensation', 'money back',
    'hair', 'bug', 'missing', 'incomplete', 'forgot', 'forget', 'left out', 'tastes', 'taste',
  ],
  // ---- returns, subscriptions -----------------------------------------------------------------
  return: ['return', 'send back', 'exchange', 'swap', 'replacement', 'replace', 'warranty', 'faulty'],
  subscription: [
    'subscription', 'subscribe', 'membership', 'plan', 'renew', 'renewal', 'upgrade', 'downgrade',
    'premium', 'trial',
  ],
  size: ['small', 'medium', 'large', 'extra large', 'family size', 'regular', 'size', 'sizes', 'xl'],
  menu: [
    'menu', 'menus', 'options', 'choice', 'choices', 'selection', 'range', 'list', 'variety', 'serve',
    'sell', 'offer', 'what do you have', 'do you have', 'available',
  ],
  negation: ['not', 'no', 'never', "n't", 'none', 'nothing', 'without'],
};
